using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary>
/// <c>GET /api/ops/status</c>: queues, payments in flight, vendor state, poison count, the last 24 hours (operations);
/// the console's copy at <c>GET /api/console/api/ops/status</c> (<see cref="ConsoleGate"/>).
/// </summary>
public sealed class GetOpsStatus(OpsStatusService status, IConfiguration configuration)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetOpsStatus))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/status")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Caller.Authorize(request, out var denied, Roles.Operations) is null
            ? denied!
            : new OkObjectResult(await status.GetAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Runs the console's copy.</summary>
    [Function("Console" + nameof(GetOpsStatus))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/ops/status")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is null
            ? denied!
            : new OkObjectResult(await status.GetAsync(cancellationToken).ConfigureAwait(false));
}
