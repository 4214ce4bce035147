using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Intake;

namespace PaymentFunctions.Intake;

/// <summary>
/// <c>GET /api/payments?memberId=…&amp;limit=50</c>: a member's payments, newest accepted first (operations: all of
/// them; intake: those it submitted).
/// </summary>
public sealed class ListMemberPayments(PaymentIntakeService intake, IConfiguration configuration)
{
    /// <summary>The most payments one answer lists.</summary>
    public const int MaxLimit = 200;

    /// <summary>Runs the function.</summary>
    [Function(nameof(ListMemberPayments))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "payments")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Caller.Authorize(request, out var denied, Roles.Intake, Roles.Operations) is not { } caller ? denied! : await AnswerAsync(request, caller, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the console's copy (<c>GET /api/console/api/payments?memberId=…</c>, operations).</summary>
    [Function("Console" + nameof(ListMemberPayments))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/payments")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ConsoleGate.Authorize(request, configuration, out var denied) is not { } caller ? denied! : await AnswerAsync(request, caller, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IActionResult> AnswerAsync(HttpRequest request, CallerPrincipal caller, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var memberId = request.Query["memberId"].FirstOrDefault();
        if (!PaymentValidator.IsMemberId(memberId))
        {
            errors["memberId"] = ["memberId is required: 1 to 64 letters, digits, '-' or '_'."];
        }

        var limit = 50;
        if (request.Query["limit"].FirstOrDefault() is { } given
            && (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return new OkObjectResult(await intake.ListByMemberAsync(memberId!, limit, caller.Name, anyCaller: caller.Roles.Contains(Roles.Operations), cancellationToken).ConfigureAwait(false));
    }
}
