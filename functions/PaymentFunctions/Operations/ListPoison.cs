using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary><c>GET /api/ops/poison?pageSize=50&amp;pageToken=…</c>: poisoned messages grouped by fingerprint, newest first (operations).</summary>
public sealed class ListPoison(PoisonService poison, IConfiguration configuration)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ListPoison))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/poison")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Caller.Authorize(request, out var denied, Roles.Operations) is null ? denied! : await AnswerAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the console's copy (<c>GET /api/console/api/ops/poison</c>).</summary>
    [Function("Console" + nameof(ListPoison))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/ops/poison")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is null ? denied! : await AnswerAsync(request, cancellationToken).ConfigureAwait(false);

    private async Task<IActionResult> AnswerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var pageSize = 50;
        if (request.Query["pageSize"].FirstOrDefault() is { } size
            && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 500))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["pageSize"] = ["pageSize must be a whole number from 1 to 500."] });
        }

        return new OkObjectResult(await poison.ListAsync(pageSize, request.Query["pageToken"].FirstOrDefault(), cancellationToken).ConfigureAwait(false));
    }
}
