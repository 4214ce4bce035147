using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Batches;

namespace PaymentFunctions.Operations;

/// <summary>
/// <c>GET /api/ops/batches?limit=50</c>: the mail-in batches received most recently, newest first, each with its status
/// and counts (operations); the console's copy at <c>GET /api/console/api/ops/batches</c>, and its copy of
/// <c>GET /api/batches/{batchId}</c> (a batch's report with its rejected lines) at <c>GET /api/console/api/batches/{batchId}</c>.
/// </summary>
public sealed class ListBatches(BatchService batches, IConfiguration configuration)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ListBatches))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/batches")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Caller.Authorize(request, out var denied, Roles.Operations) is null ? denied! : await AnswerAsync(request, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs the console's copy.</summary>
    [Function("Console" + nameof(ListBatches))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/ops/batches")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is null ? denied! : await AnswerAsync(request, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs the console's copy of <c>GET /api/batches/{batchId}</c>.</summary>
    [Function("ConsoleGetBatch")]
    public async Task<IActionResult> RunGetFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/" + Routes.Batch)] HttpRequest request,
        string batchId,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is null
            ? denied!
            : await batches.GetReportAsync(batchId, cancellationToken).ConfigureAwait(false) is { } report
                ? new OkObjectResult(report)
                : Problems.NotFound($"There is no batch {batchId}.");

    private async Task<IActionResult> AnswerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = 50;
        if (request.Query["limit"].FirstOrDefault() is { } given
            && (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 200))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["limit"] = ["limit must be a whole number from 1 to 200."] });
        }

        return new OkObjectResult(new { batches = await batches.ListRecentAsync(limit, cancellationToken).ConfigureAwait(false) });
    }
}
