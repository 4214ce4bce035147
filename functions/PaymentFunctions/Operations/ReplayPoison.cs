using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary>
/// <c>POST /api/ops/poison/replay</c> with <c>{"ids":[…]}</c>, <c>{"fingerprint":"fp_…"}</c> or <c>{"all":true}</c>,
/// and optional <c>"dryRun":true</c>: put poisoned messages back on <c>payments</c> (operations; audited with the caller's name).
/// </summary>
public sealed class ReplayPoison(PoisonService poison, IConfiguration configuration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs the function.</summary>
    [Function(nameof(ReplayPoison))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "ops/poison/replay")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Caller.Authorize(request, out var denied, Roles.Operations) is not { } caller ? denied! : await AnswerAsync(request, caller, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the console's copy (<c>POST /api/console/api/ops/poison/replay</c>), audited with the operator's name.</summary>
    [Function("Console" + nameof(ReplayPoison))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/api/ops/poison/replay")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ConsoleGate.Authorize(request, configuration, out var denied) is not { } caller ? denied! : await AnswerAsync(request, caller, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IActionResult> AnswerAsync(HttpRequest request, CallerPrincipal caller, CancellationToken cancellationToken)
    {
        ReplayRequest? replay;
        try
        {
            replay = await JsonSerializer.DeserializeAsync<ReplayRequest>(request.Body, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["body"] = [$"The body is not valid JSON: {ex.Message}"] });
        }

        var selectors = replay is null ? 0 : (replay.Ids is { Count: > 0 } ? 1 : 0) + (string.IsNullOrEmpty(replay.Fingerprint) ? 0 : 1) + (replay.All ? 1 : 0);
        if (selectors != 1)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["Select exactly one of: \"ids\" (a non-empty list), \"fingerprint\", or \"all\": true."] });
        }

        return new OkObjectResult(await poison.ReplayAsync(replay!, caller.Name, cancellationToken).ConfigureAwait(false));
    }
}
