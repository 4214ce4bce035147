using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Batches;
using PaymentIntake.Storage;

namespace PaymentFunctions.Batches;

/// <summary>Queue trigger on <c>batches</c>: record the lines of an uploaded batch, with progress, then its report.</summary>
public sealed class ProcessBatch(BatchService batches)
{
    /// <summary>Runs the function; an exception lets the host retry (processing is idempotent) and finally poison it.</summary>
    [Function(nameof(ProcessBatch))]
    public Task Run([QueueTrigger(QueueNames.Batches)] string message, CancellationToken cancellationToken) =>
        batches.ProcessAsync(BatchMessage.Parse(message).BatchId, cancellationToken);
}
