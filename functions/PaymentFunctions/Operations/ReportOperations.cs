using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary>Every minute: the operations snapshot the alerts read (vendor state, oldest unposted payment, poison, failed batches).</summary>
public sealed class ReportOperations(OperationsSnapshot snapshot)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ReportOperations))]
    public Task Run([TimerTrigger("30 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        snapshot.ReportAsync(cancellationToken);
}
