using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary>
/// Every 10 seconds: records what reached <c>payments-poison</c> (each message with its reason, where it does not
/// expire) and removes it from the queue. A timer, not a queue trigger, so that a message the host could not decode
/// is recorded too (see <see cref="PoisonQueueSweep"/>).
/// </summary>
public sealed class RecordPoison(PoisonQueueSweep sweep)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(RecordPoison))]
    public Task Run([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.SweepAsync(cancellationToken);
}
