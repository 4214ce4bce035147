using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Intake;

namespace PaymentFunctions.Intake;

/// <summary><c>POST /api/payments</c>: accept a payment in milliseconds, whatever the vendor's state.</summary>
public sealed class SubmitPayment(PaymentIntakeService intake, IOptions<PaymentIntakeOptions> options)
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

        if (!RequestBody.IsJson(request))
        {
            return Problems.UnsupportedMediaType("Send the payment as application/json.", $"The body was sent as '{request.ContentType}'.");
        }

        var limit = options.Value.MaxRequestBytes;
        if (await RequestBody.ReadAsync(request, limit, cancellationToken).ConfigureAwait(false) is not { } body)
        {
            return Problems.BodyTooLarge(limit);
        }

        return await intake.SubmitAsync(caller.Name, request.Headers["Idempotency-Key"].FirstOrDefault(), body, cancellationToken).ConfigureAwait(false) switch
        {
            IntakeResult.Accepted accepted => Accepted(accepted.Receipt with { StatusUrl = Routes.PaymentUrl(accepted.Receipt.PaymentId) }),
            IntakeResult.Invalid invalid => Problems.Validation(invalid.Errors),
            IntakeResult.KeyReused reused => Problems.KeyReused(reused.PaymentId),
            var other => throw new InvalidOperationException($"Unexpected intake result {other.GetType().Name}."),
        };
    }

    private static AcceptedResult Accepted(PaymentReceipt receipt) => new(receipt.StatusUrl, receipt);
}
