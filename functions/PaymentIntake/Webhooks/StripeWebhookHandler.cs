using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Posting.Vendor;
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
/// Applies Stripe's <c>payment_intent.succeeded</c>, <c>.payment_failed</c> and <c>.canceled</c> events to payment
/// rows after verifying <c>Stripe-Signature</c> (Stripe.net <see cref="EventUtility"/>, 300 s tolerance). The event's
/// PaymentIntent is read as the poster reads it (<see cref="VendorAnswerClassifier.ForIntent"/>, then
/// <see cref="OutcomeMoves"/>): succeeded → <c>posted</c>, a decline → <c>declined</c> (a retryable one with the same
/// code and hint the poster records), canceled → <c>failed</c>. A move applies where the
/// transition table allows it (<see cref="PaymentTransitions"/>); the row's ETag guards against racing the poster, and a lost race is read again.
/// </summary>
public sealed class StripeWebhookHandler(PaymentRepository payments, IOptions<StripeOptions> options, TimeProvider time, ILogger<StripeWebhookHandler> logger)
{
    /// <summary>Largest clock difference accepted between the signature's timestamp and now.</summary>
    public const long ToleranceSeconds = 300;

    /// <summary>Verifies and applies one delivery.</summary>
    public async Task<WebhookResult> HandleAsync(string payload, string? signature, CancellationToken cancellationToken)
    {
        if (!options.Value.HasWebhookSecret)
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

        var result = WebhookResult.Ignored;
        var done = await OptimisticConcurrency.RetryAsync(3, async _ =>
        {
            var row = await payments.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
            if (row is null || OutcomeOf(stripeEvent.Type, intent) is not { } outcome || OutcomeMoves.StatusFor(outcome) is not { } to
                || !PaymentTransitions.IsAllowed(row.Status, to) || !IsAbout(row, intent, to, stripeEvent.Livemode, options.Value.ApiKey))
            {
                result = WebhookResult.Ignored;
                return true;
            }

            row.Settle(outcome, MoveCauses.Webhook, $"webhook:{stripeEvent.Id}", vendorReference: intent.Id);
            if (!await payments.TrySaveAsync(row, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            WebhookLog.Applied(logger, stripeEvent.Type, paymentId, row.Status);
            result = WebhookResult.Applied;
            return true;
        }).ConfigureAwait(false);

        return done
            ? result
            : throw new InvalidOperationException($"Payment {paymentId} kept changing while a webhook was applied; Stripe will deliver it again.");
    }

    /// <summary>
    /// Metadata alone does not make an event about a payment: its mode must be our key's mode, and its intent must be
    /// the payment's <c>vendorReference</c> — or, before the payment has one, carry the payment's amount and currency
    /// (a cancel never applies then: it may be an orphan intent a failed create left behind, not the one that posts).
    /// </summary>
    internal static bool IsAbout(Payment row, PaymentIntent intent, string to, bool livemode, string apiKey)
    {
        var liveKey = StripeOptions.IsLive(apiKey);
        if (livemode != liveKey)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(row.VendorReference))
        {
            return string.Equals(row.VendorReference, intent.Id, StringComparison.Ordinal);
        }

        return to != PaymentStatus.Failed
            && intent.Amount == row.Amount
            && string.Equals(intent.Currency, row.Currency, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// What an event says about its payment, read from the event's PaymentIntent; null for events we do not apply and
    /// for answers that settle nothing (an intent still waiting).
    /// </summary>
    internal static PostingOutcome? OutcomeOf(string eventType, PaymentIntent intent) =>
        eventType is "payment_intent.succeeded" or "payment_intent.payment_failed" or "payment_intent.canceled"
            && VendorAnswerClassifier.ForIntent(intent) is { } outcome
            && OutcomeMoves.StatusFor(outcome) is PaymentStatus.Posted or PaymentStatus.Declined or PaymentStatus.Failed
                ? outcome
                : null;
}

internal static partial class WebhookLog
{
    [LoggerMessage(EventId = EventIds.WebhookApplied, Level = LogLevel.Information, Message = "Webhook {EventType} moved payment {PaymentId} to {Status}")]
    public static partial void Applied(ILogger logger, string eventType, string paymentId, string status);

    [LoggerMessage(EventId = EventIds.WebhookRejected, Level = LogLevel.Warning, Message = "Webhook rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, string reason);
}
