using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary>
/// <c>GET /api/ops/audit?day=yyyy-MM-dd</c>: who did what, when, on one UTC day (today by default), newest first
/// (operations); the console's copy at <c>GET /api/console/api/ops/audit</c>.
/// </summary>
public sealed class ListAudit(AuditLog audit, TimeProvider time, IConfiguration configuration)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ListAudit))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/audit")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Caller.Authorize(request, out var denied, Roles.Operations) is null ? denied! : await AnswerAsync(request, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs the console's copy.</summary>
    [Function("Console" + nameof(ListAudit))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/ops/audit")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is null ? denied! : await AnswerAsync(request, cancellationToken).ConfigureAwait(false);

    private async Task<IActionResult> AnswerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (request.Query["day"].FirstOrDefault() is { } given && !DateOnly.TryParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["day"] = ["day must be a date like 2026-12-20 (UTC)."] });
        }

        var entries = await audit.ListAsync(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), cancellationToken).ConfigureAwait(false);
        return new OkObjectResult(new { day = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), entries });
    }
}
