using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Reconciliation.Books;

namespace PaymentFunctions.Operations;

/// <summary><c>GET /api/ops/reconciliations?limit=50</c>: the reconciliations, newest first, without their mismatches (operations).</summary>
public sealed class ListReconciliations(ReconciliationService reconciliations)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ListReconciliations))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Reconciliations)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Caller.Authorize(request, out var denied, Roles.Operations) is null)
        {
            return denied!;
        }

        var limit = 50;
        if (request.Query["limit"].FirstOrDefault() is { } given
            && (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 200))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["limit"] = ["limit must be a whole number from 1 to 200."] });
        }

        return new OkObjectResult(new { reconciliations = await reconciliations.ListAsync(limit, cancellationToken).ConfigureAwait(false) });
    }
}
