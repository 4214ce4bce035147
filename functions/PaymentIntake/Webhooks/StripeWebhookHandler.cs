using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Storage;
using Stripe;

namespace PaymentIntake.Webhooks;

/// <summary>What became of a webhook delivery.</summary>
public enum WebhookResult
{
    /// <summary>The event changed a payment.</summary>
    Applied,
    /// <summary>Valid, but nothing to change (unknown payment, other event type, already in that state).</summary>
    Ignored,
    /// <summary>Missing or bad <c>Stripe-Signature</c>, or too old: rejected, nothing changed.</summary>
    InvalidSignature,
    /// <summary>No webhook secret is configured.</summary>
    NotConfigured,
}

/// <summary>
/// Applies Stripe's <c>payment_intent.*</c> events to payment rows after verifying <c>Stripe-Signature</c>
/// (Stripe.net <see cref="EventUtility"/>, 300 s tolerance). The row's ETag guards against racing the poster.
/// </summary>
public sealed class StripeWebhookHandler(PaymentStore store, IOptions<StripeOptions> options, TimeProvider time, ILogger<StripeWebhookHandler> logger)
{
    /// <summary>Largest clock difference accepted between the signature's timestamp and now.</summary>
    public const long ToleranceSeconds = 300;

    /// <summary>Verifies and applies one delivery.</summary>
    public async Task<WebhookResult> HandleAsync(string payload, string? signature, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.WebhookSecret))
        {
            return WebhookResult.NotConfigured;
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(payload, signature ?? "", options.Value.WebhookSecret, ToleranceSeconds, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex)
        {
            WebhookLog.Rejected(logger, ex.Message);
            return WebhookResult.InvalidSignature;
        }

        if (stripeEvent.Data?.Object is not PaymentIntent intent
            || intent.Metadata is null
            || !intent.Metadata.TryGetValue("payment_id", out var paymentId))
        {
            return WebhookResult.Ignored;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var row = await store.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
            if (row is null || !Apply(row, stripeEvent.Type, intent, time.GetUtcNow()))
            {
                return WebhookResult.Ignored;
            }

            if (await store.TryReplaceAsync(row, cancellationToken).ConfigureAwait(false))
            {
                WebhookLog.Applied(logger, stripeEvent.Type, paymentId, row.Status);
                return WebhookResult.Applied;
            }
        }

        throw new InvalidOperationException($"Payment {paymentId} kept changing while a webhook was applied; Stripe will deliver it again.");
    }

    private static bool Apply(PaymentEntity row, string type, PaymentIntent intent, DateTimeOffset now)
    {
        switch (type)
        {
            case "payment_intent.succeeded" when row.Status != PaymentStatus.Posted:
                row.Status = PaymentStatus.Posted;
                row.PostedAt = now;
                row.LastError = null;
                row.NextActionUrl = null;
                break;
            case "payment_intent.payment_failed" when row.Status is not (PaymentStatus.Posted or PaymentStatus.Declined):
                row.Status = PaymentStatus.Declined;
                row.DeclineCode = intent.LastPaymentError?.DeclineCode ?? intent.LastPaymentError?.Code ?? "payment_failed";
                row.LastError = intent.LastPaymentError?.Message ?? "The payment failed at the vendor.";
                break;
            case "payment_intent.canceled" when row.Status is not (PaymentStatus.Posted or PaymentStatus.Failed):
                row.Status = PaymentStatus.Failed;
                row.LastError = $"The PaymentIntent {intent.Id} was canceled at the vendor.";
                break;
            default:
                return false;
        }

        row.VendorReference = intent.Id;
        row.UpdatedAt = now;
        return true;
    }
}

internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Webhook {EventType} moved payment {PaymentId} to {Status}")]
    public static partial void Applied(ILogger logger, string eventType, string paymentId, string status);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Webhook rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, string reason);
}
