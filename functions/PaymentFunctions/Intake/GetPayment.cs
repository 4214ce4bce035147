using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Intake;

namespace PaymentFunctions.Intake;

/// <summary><c>GET /api/payments/{paymentId}</c>: a payment's status.</summary>
public sealed class GetPayment(PaymentIntakeService intake)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetPayment))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Payment)] HttpRequest request,
        string paymentId,
        CancellationToken cancellationToken)
    {
        if (Caller.Authorize(request, out var denied, Roles.Intake, Roles.Operations) is not { } caller)
        {
            return denied!;
        }

        // Operations read any payment; an intake caller only those it submitted (others are "not found").
        return await intake.GetAsync(paymentId, caller.Name, anyCaller: caller.Roles.Contains(Roles.Operations), cancellationToken).ConfigureAwait(false) is { } view
            ? new OkObjectResult(view)
            : Problems.NotFound($"There is no payment {paymentId}.");
    }
}
