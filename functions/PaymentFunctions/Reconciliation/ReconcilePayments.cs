using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Reconciliation;

namespace PaymentFunctions.Reconciliation;

/// <summary>Every minute: re-enqueue payments that made no progress (closes the crash windows).</summary>
public sealed class ReconcilePayments(PaymentReconciler reconciler)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ReconcilePayments))]
    public Task Run([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        reconciler.RunAsync(cancellationToken);
}
