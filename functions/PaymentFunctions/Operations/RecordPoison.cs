using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Operations;
using PaymentIntake.Storage;

namespace PaymentFunctions.Operations;

/// <summary>Queue trigger on <c>payments-poison</c>: keep each poisoned message, with its reason, where it does not expire.</summary>
public sealed class RecordPoison(PoisonService poison)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(RecordPoison))]
    public Task Run([QueueTrigger(QueueNames.PaymentsPoison)] string message, CancellationToken cancellationToken) =>
        poison.RecordAsync(message, cancellationToken);
}
