using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Deadlines;

namespace PaymentFunctions.Operations;

/// <summary>
/// <c>GET /api/ops/deadlines</c>: for each deadline of the calendar, how many payments met it by kind and by status,
/// and per local day, from counters kept as payments are recorded and finish (operations); the console's copy at
/// <c>GET /api/console/api/ops/deadlines</c>.
/// </summary>
public sealed class GetDeadlines(DeadlineCounters deadlines, IConfiguration configuration)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetDeadlines))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/deadlines")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Caller.Authorize(request, out var denied, Roles.Operations) is null
            ? denied!
            : new OkObjectResult(new { deadlines = await deadlines.ReportAsync(cancellationToken).ConfigureAwait(false) });

    /// <summary>Runs the console's copy.</summary>
    [Function("Console" + nameof(GetDeadlines))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/ops/deadlines")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is null
            ? denied!
            : new OkObjectResult(new { deadlines = await deadlines.ReportAsync(cancellationToken).ConfigureAwait(false) });
}
