using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary><c>GET /api/ops/status</c>: queues, payments in flight, vendor state, poison count (operations).</summary>
public sealed class GetOpsStatus(OpsStatusService status)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetOpsStatus))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/status")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Caller.Authorize(request, out var denied, Roles.Operations) is null
            ? denied!
            : new OkObjectResult(await status.GetAsync(cancellationToken).ConfigureAwait(false));
}
