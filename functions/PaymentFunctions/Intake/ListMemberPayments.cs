using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Intake;

namespace PaymentFunctions.Intake;

/// <summary>
/// <c>GET /api/payments?memberId=…&amp;limit=50</c>: a member's payments, newest accepted first (operations: all of
/// them; intake: those it submitted).
/// </summary>
public sealed class ListMemberPayments(PaymentIntakeService intake)
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
        if (Caller.Authorize(request, out var denied, Roles.Intake, Roles.Operations) is not { } caller)
        {
            return denied!;
        }

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
