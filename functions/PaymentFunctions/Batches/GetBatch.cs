using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Batches;

namespace PaymentFunctions.Batches;

/// <summary><c>GET /api/batches/{batchId}</c>: the batch report (lockbox, operations).</summary>
public sealed class GetBatch(BatchService batches)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetBatch))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Batch)] HttpRequest request,
        string batchId,
        CancellationToken cancellationToken)
    {
        if (Caller.Authorize(request, out var denied, Roles.Lockbox, Roles.Operations) is null)
        {
            return denied!;
        }

        return await batches.GetReportAsync(batchId, cancellationToken).ConfigureAwait(false) is { } report
            ? new OkObjectResult(report)
            : Problems.NotFound($"There is no finished batch {batchId}.");
    }
}
