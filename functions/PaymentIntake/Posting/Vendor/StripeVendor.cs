using System.Globalization;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using Stripe;

namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// Posts a card payment to Stripe in the shape Stripe accepts for a server-side confirmation of a card the front end
/// collected: the PaymentIntent allows only <c>card</c>, so no redirect-based method and no <c>return_url</c> is
/// required; <c>Stripe:ReturnUrl</c>, when set, goes with the confirm so 3-D Secure answers with a
/// redirect the member can open. Create (idempotent), remember the intent's id, confirm it by id. A later attempt reads
/// the intent first and acts on its status, so a lost answer never leads to a second charge, even after Stripe has
/// forgotten the idempotency keys. Every call goes through the one resilience pipeline. Why each step is exactly once:
/// docs/exactly-once.md.
/// </summary>
public sealed class StripeVendor(IStripeClient stripe, VendorPipeline pipeline, IOptions<StripeOptions> options, TimeProvider time)
{
    private static readonly string[] Live = ["requires_payment_method", "requires_confirmation", "requires_action", "processing"];
    private readonly PaymentIntentService _intents = new(stripe);

    /// <summary>
    /// Takes the payment as far as the vendor allows and classifies where it ended. The vendor sets the intent's id
    /// and the create key's generation on <paramref name="payment"/> and awaits <paramref name="save"/> to store them.
    /// </summary>
    public async Task<PostingOutcome> PostAsync(Payment payment, Func<Task> save, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(save);
        return await pipeline.AttemptAsync(ct => StepAsync(payment, save, ct), () => payment.VendorReference, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels the payment's intent so nothing can confirm it after we gave up (<c>cancellation_reason=abandoned</c>).
    /// <see cref="PostingOutcome.Failed"/> when it is canceled (or none was ever named); another outcome when Stripe
    /// says otherwise (it succeeded meanwhile: posted; unavailable: retry the cancel later).
    /// </summary>
    public async Task<PostingOutcome> AbandonAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.VendorReference is not { } reference)
        {
            return new PostingOutcome.Failed("no PaymentIntent was named for it");
        }

        return await pipeline.AttemptAsync(
            async ct =>
            {
                var intent = await pipeline.CallAsync(StripeEndpoint.RetrieveIntent, c => _intents.GetAsync(reference, cancellationToken: c), ct).ConfigureAwait(false);
                if (Live.Contains(intent.Status))
                {
                    var cancel = new PaymentIntentCancelOptions { CancellationReason = "abandoned" };
                    // A fresh key for each cancel: the intent is read first, so a repeated cancel is never blind, and a
                    // 500 Stripe saved under a fixed key would be replayed for a day (docs.stripe.com/api/idempotent_requests).
                    var key = new RequestOptions { IdempotencyKey = $"{payment.PaymentId}-cancel-{Guid.NewGuid():N}" };
                    intent = await pipeline.CallAsync(StripeEndpoint.CancelIntent, c => _intents.CancelAsync(reference, cancel, key, c), ct).ConfigureAwait(false);
                }

                return intent.Status == "canceled"
                    ? new PostingOutcome.Failed($"its PaymentIntent {intent.Id} is canceled")
                    : VendorAnswerClassifier.ForIntent(intent);
            },
            () => payment.VendorReference,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the payment's intent at Stripe and classifies it, changing nothing; <see cref="PostingOutcome.Failed"/>
    /// when the payment names no PaymentIntent.
    /// </summary>
    public async Task<PostingOutcome> ReadAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.VendorReference is not { } reference || !reference.StartsWith("pi_", StringComparison.Ordinal))
        {
            return new PostingOutcome.Failed("no PaymentIntent was named for it");
        }

        return await pipeline.AttemptAsync(
            async ct => VendorAnswerClassifier.ForIntent(await pipeline.CallAsync(StripeEndpoint.RetrieveIntent, c => _intents.GetAsync(reference, cancellationToken: c), ct).ConfigureAwait(false)),
            () => reference,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The status of the payment's intent at Stripe; null when it names none or Stripe cannot be asked now.</summary>
    public async Task<string?> IntentStatusAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.VendorReference is not { } reference || !reference.StartsWith("pi_", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return (await pipeline.CallAsync(StripeEndpoint.RetrieveIntent, ct => _intents.GetAsync(reference, cancellationToken: ct), cancellationToken).ConfigureAwait(false)).Status;
        }
        catch (Exception ex) when (VendorAnswerClassifier.ForException(ex, reference, cancellationToken) is PostingOutcome.RetryLater)
        {
            return "unknown";
        }
    }

    /// <summary>One step: learn where the intent stands (read it, find it, or create it), then confirm it if it needs that.</summary>
    private async ValueTask<PostingOutcome> StepAsync(Payment payment, Func<Task> save, CancellationToken cancellationToken)
    {
        var intent = payment.VendorReference is { } reference
            ? await pipeline.CallAsync(StripeEndpoint.RetrieveIntent, ct => _intents.GetAsync(reference, cancellationToken: ct), cancellationToken).ConfigureAwait(false)
            : await FindOrCreateAsync(payment, save, cancellationToken).ConfigureAwait(false);

        var outcome = VendorAnswerClassifier.ForIntent(intent);
        if (outcome is not PostingOutcome.ConfirmNeeded)
        {
            return outcome;
        }

        // Confirming is safe to repeat (an intent succeeds at most once), so each attempt has its own key: a 500 that
        // Stripe saved under one attempt's key does not answer the next attempt.
        // With a ConfirmationToken the intent was created without a method: the token brings it, once
        // (docs.stripe.com/payments/finalize-payments-on-the-server: confirm with confirmation_token).
        var confirm = new PaymentIntentConfirmOptions
        {
            ReturnUrl = options.Value.ReturnUrl?.ToString(),
            ConfirmationToken = intent.PaymentMethodId is null ? payment.ConfirmationTokenId : null,
        };
        var id = intent.Id;
        intent = await pipeline.CallAsync(StripeEndpoint.ConfirmIntent, ct => _intents.ConfirmAsync(id, confirm, Key(payment, "confirm", payment.Attempts), ct), cancellationToken).ConfigureAwait(false);
        outcome = VendorAnswerClassifier.ForIntent(intent);
        return outcome is PostingOutcome.ConfirmNeeded
            ? new PostingOutcome.RetryLater($"The PaymentIntent {intent.Id} is still {intent.Status} after confirming.")
            : outcome;
    }

    /// <summary>The payment's intent: found (after a create answered 500) or created.</summary>
    private async Task<PaymentIntent> FindOrCreateAsync(Payment payment, Func<Task> save, CancellationToken cancellationToken)
    {
        // A create answered 500 may or may not have made an intent: look for one before creating under a new key.
        var intent = payment.CreateKeyGeneration > 0 ? await FindEarlierAsync(payment, cancellationToken).ConfigureAwait(false) : null;
        if (intent is null)
        {
            try
            {
                intent = await pipeline.CallAsync(StripeEndpoint.CreateIntent, ct => _intents.CreateAsync(CreateOptions(payment), CreateKey(payment), ct), cancellationToken).ConfigureAwait(false);
            }
            catch (StripeException ex) when ((int)ex.HttpStatusCode >= 500)
            {
                // Stripe saved this 500 under the key and would replay it for a day: the next try uses the next key,
                // after looking for an intent this create may have made. Other failures (timeouts, lost answers, 429,
                // 409) keep the key: repeating it returns what Stripe did.
                payment.UseNextCreateKey(time.GetUtcNow());
                await save().ConfigureAwait(false);
                throw;
            }
        }

        payment.NameVendorObject(intent.Id);
        await save().ConfigureAwait(false);
        return intent;
    }

    /// <summary>
    /// The intent an earlier create made for the payment, the best one if several. Listed, not searched: Stripe's
    /// Search is "not for read-after-write" (usually under a minute behind, longer in incidents: docs.stripe.com/search),
    /// while a list reads the intents themselves. The intent, if the failed create made one, was created while that
    /// request was out — at most a request timeout before its answer (<see cref="Payment.CreateFailedAt"/>) — so the
    /// list covers that window, widened by <see cref="ClockMargin"/> each side for the clocks of Stripe and ours. A row
    /// from before that time was recorded is searched as before.
    /// </summary>
    private async Task<PaymentIntent?> FindEarlierAsync(Payment payment, CancellationToken cancellationToken)
    {
        var ours = new List<PaymentIntent>();
        if (payment.CreateFailedAt is { } failedAt)
        {
            var list = new PaymentIntentListOptions
            {
                Created = new DateRangeOptions
                {
                    GreaterThanOrEqual = (failedAt - options.Value.RequestTimeout - ClockMargin).UtcDateTime,
                    LessThanOrEqual = (failedAt + ClockMargin).UtcDateTime,
                },
                Limit = 100,
            };
            while (true)
            {
                var page = await pipeline.CallAsync(StripeEndpoint.ListIntents, ct => _intents.ListAsync(list, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
                ours.AddRange(page.Data.Where(pi => pi.Metadata?.GetValueOrDefault("payment_id") == payment.PaymentId));
                if (!page.HasMore || page.Data.Count == 0)
                {
                    break;
                }

                list.StartingAfter = page.Data[^1].Id;
            }
        }
        else
        {
            var search = new PaymentIntentSearchOptions { Query = $"metadata['payment_id']:'{payment.PaymentId}'" };
            ours.AddRange((await pipeline.CallAsync(StripeEndpoint.SearchIntents, ct => _intents.SearchAsync(search, cancellationToken: ct), cancellationToken).ConfigureAwait(false)).Data);
        }

        return ours
            .Where(pi => pi.Status != "canceled")
            .OrderBy(pi => pi.Status switch { "succeeded" => 0, "processing" => 1, "requires_action" => 2, "requires_confirmation" => 3, _ => 4 })
            .FirstOrDefault();
    }

    /// <summary>How far Stripe's clock and ours may disagree, each way, when listing by creation time.</summary>
    internal static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(30);

    private static RequestOptions CreateKey(Payment payment) =>
        payment.CreateKeyGeneration == 0 ? Key(payment, "create") : Key(payment, "create", payment.CreateKeyGeneration);

    private static RequestOptions Key(Payment payment, string step, int? number = null) =>
        new() { IdempotencyKey = number is { } n ? string.Create(CultureInfo.InvariantCulture, $"{payment.PaymentId}-{step}-{n}") : $"{payment.PaymentId}-{step}" };

    private static PaymentIntentCreateOptions CreateOptions(Payment payment)
    {
        var metadata = new Dictionary<string, string>
        {
            ["payment_id"] = payment.PaymentId,
            ["member_id"] = payment.MemberId,
            ["accepted_at"] = payment.AcceptedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (payment.InvoiceId is not null)
        {
            metadata["invoice_id"] = payment.InvoiceId;
        }

        return new PaymentIntentCreateOptions
        {
            Amount = payment.Amount,
            Currency = payment.Currency,
            // A card collected by the front end and confirmed by the server: only card, so no redirect-based method and
            // no return_url is needed. On the API version Stripe.net 53.1.0 pins (2026-10-28.endive) the explicit list is
            // allowed_payment_method_types: payment_method_types is refused since 2026-09-30.endive
            // (docs.stripe.com/changelog/endive/2026-09-30/removes-the-payment-method-types-parameter-from-payment-intents-and-setup-intents).
            AllowedPaymentMethodTypes = ["card"],
            PaymentMethod = string.IsNullOrEmpty(payment.PaymentMethodId) ? null : payment.PaymentMethodId,
            Description = payment.Description,
            Metadata = metadata,
        };
    }
}
