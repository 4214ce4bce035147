using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Intake;

namespace PaymentFunctions.Intake;

/// <summary><c>GET /api/payments/{paymentId}/history</c>: every move of a payment, oldest first (intake: its own; operations: any).</summary>
public sealed class GetPaymentHistory(PaymentIntakeService intake)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetPaymentHistory))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Payment + "/history")] HttpRequest request,
        string paymentId,
        CancellationToken cancellationToken)
    {
        if (Caller.Authorize(request, out var denied, Roles.Intake, Roles.Operations) is not { } caller)
        {
            return denied!;
        }

        return await intake.GetHistoryAsync(paymentId, caller.Name, anyCaller: caller.Roles.Contains(Roles.Operations), cancellationToken).ConfigureAwait(false) is { } history
            ? new OkObjectResult(history)
            : Problems.NotFound($"There is no payment {paymentId}.");
    }
}
