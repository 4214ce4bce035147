using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Reconciliation.Books;

namespace PaymentFunctions.Operations;

/// <summary><c>GET /api/ops/reconciliations/{reconciliationId}</c>: a reconciliation's report with its mismatches (operations).</summary>
public sealed class GetReconciliation(ReconciliationService reconciliations)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetReconciliation))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Reconciliation)] HttpRequest request,
        string reconciliationId,
        CancellationToken cancellationToken) =>
        Caller.Authorize(request, out var denied, Roles.Operations) is null
            ? denied!
            : IsId(reconciliationId) && await reconciliations.GetAsync(reconciliationId, cancellationToken).ConfigureAwait(false) is { } report
                ? new OkObjectResult(report)
                : Problems.NotFound($"There is no reconciliation {reconciliationId}.");

    /// <summary>Ids are <c>daily_yyyy-MM-dd</c> or <c>rec_…</c>: anything else is looked up nowhere (a table key may not hold / \ # ?).</summary>
    private static bool IsId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
