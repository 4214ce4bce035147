using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Intake;

namespace PaymentFunctions.Intake;

/// <summary><c>POST /api/payments</c>: accept a payment in milliseconds, whatever the vendor's state.</summary>
public sealed class SubmitPayment(PaymentIntakeService intake)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(SubmitPayment))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "payments")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Caller.Authorize(request, out var denied, Roles.Intake) is not { } caller)
        {
            return denied!;
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        var result = await intake.SubmitAsync(caller.Name, request.Headers["Idempotency-Key"].FirstOrDefault(), body.GetBuffer().AsMemory(0, (int)body.Length), cancellationToken).ConfigureAwait(false);
        return result switch
        {
            IntakeResult.Accepted accepted => Accepted(accepted.Receipt with { StatusUrl = Routes.PaymentUrl(accepted.Receipt.PaymentId) }),
            IntakeResult.Invalid invalid => Problems.Validation(invalid.Errors),
            IntakeResult.KeyReused reused => Problems.KeyReused(reused.PaymentId),
            _ => throw new InvalidOperationException($"Unexpected intake result {result.GetType().Name}."),
        };
    }

    private static AcceptedResult Accepted(PaymentReceipt receipt) => new(receipt.StatusUrl, receipt);
}
