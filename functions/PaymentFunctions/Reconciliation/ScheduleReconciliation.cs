using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Reconciliation.Books;

namespace PaymentFunctions.Reconciliation;

/// <summary>
/// Every 10 minutes: queue the previous exchange day's reconciliation with Stripe once <c>Reconciliation:DailyAt</c>
/// has passed (once a day; failed runs again), so a host that was down at that time catches up on its next tick.
/// </summary>
public sealed class ScheduleReconciliation(ReconciliationService reconciliations)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ScheduleReconciliation))]
    public Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        reconciliations.TickAsync(cancellationToken);
}
