using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Webhooks;

namespace PaymentFunctions.Webhooks;

/// <summary><c>POST /api/webhooks/stripe</c>: Stripe's events; anonymous, authenticated by <c>Stripe-Signature</c>.</summary>
public sealed class StripeWebhook(StripeWebhookHandler handler)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(StripeWebhook))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/stripe")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var reader = new StreamReader(request.Body);
        var payload = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return await handler.HandleAsync(payload, request.Headers["Stripe-Signature"].FirstOrDefault(), cancellationToken).ConfigureAwait(false) switch
        {
            WebhookResult.InvalidSignature => Problems.BadSignature(),
            WebhookResult.NotConfigured => Problems.WebhooksNotConfigured(),
            var result => new OkObjectResult(new { received = true, result = result.ToString().ToLowerInvariant() }),
        };
    }
}
