using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Webhooks;

namespace PaymentFunctions.Webhooks;

/// <summary><c>POST /api/webhooks/stripe</c>: Stripe's events; anonymous, authenticated by <c>Stripe-Signature</c>.</summary>
public sealed class StripeWebhook(StripeWebhookHandler handler, IOptions<StripeOptions> options)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(StripeWebhook))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/stripe")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RequestBody.IsJson(request))
        {
            return Problems.UnsupportedMediaType("Stripe sends events as application/json.", $"The body was sent as '{request.ContentType}'.");
        }

        var limit = options.Value.MaxWebhookBytes;
        if (await RequestBody.ReadAsync(request, limit, cancellationToken).ConfigureAwait(false) is not { } body)
        {
            return Problems.BodyTooLarge(limit);
        }

        var payload = System.Text.Encoding.UTF8.GetString(body);
        return await handler.HandleAsync(payload, request.Headers["Stripe-Signature"].FirstOrDefault(), cancellationToken).ConfigureAwait(false) switch
        {
            WebhookResult.InvalidSignature => Problems.BadSignature(),
            WebhookResult.NotConfigured => Problems.WebhooksNotConfigured(),
            var result => new OkObjectResult(new { received = true, result = result.ToString().ToLowerInvariant() }),
        };
    }
}
