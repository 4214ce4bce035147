using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary><c>GET /api/ops/status</c>: queues, payments in flight, vendor state, poison count (admin key).</summary>
public sealed class GetOpsStatus(OpsStatusService status)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetOpsStatus))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/status")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new OkObjectResult(await status.GetAsync(cancellationToken).ConfigureAwait(false));
}
