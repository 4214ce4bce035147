using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Reconciliation.Books;
using PaymentIntake.Storage;

namespace PaymentFunctions.Reconciliation;

/// <summary>Queue trigger on <c>reconciliations</c>: compare a window of our books with Stripe's and keep the report.</summary>
public sealed class RunReconciliation(ReconciliationService reconciliations)
{
    /// <summary>Runs the function; a storage failure lets the host retry (a run can be repeated) and finally poison it.</summary>
    [Function(nameof(RunReconciliation))]
    public Task Run([QueueTrigger(QueueNames.Reconciliations)] string message, CancellationToken cancellationToken) =>
        reconciliations.RunAsync(ReconciliationMessage.Parse(message).ReconciliationId, cancellationToken);
}
