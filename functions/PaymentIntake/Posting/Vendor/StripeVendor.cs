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
public sealed class StripeVendor(IStripeClient stripe, VendorPipeline pipeline, IOptions<StripeOptions> options, IOptions<PostingOptions> posting, TimeProvider time)
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

    /// <summary>
    /// Why the payment must not be tried yet, without a call: a create was answered 500 and Stripe's Search cannot be
    /// trusted to show the intent that create may have made until <c>Posting:SearchLag</c> has passed (creating under
    /// the next key before then could make a second intent). Null when it may be tried now.
    /// </summary>
    public PostingOutcome.RetryLater? SearchWait(Payment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.VendorReference is not null || payment.CreateKeyGeneration == 0 || payment.CreateFailedAt is not { } failedAt)
        {
            return null;
        }

        var searchable = failedAt + posting.Value.SearchLag;
        return time.GetUtcNow() < searchable ? SearchLater(searchable) : null;
    }

    private static PostingOutcome.RetryLater SearchLater(DateTimeOffset searchable) =>
        new($"A create was answered 500 and may have made an intent; Stripe's search shows it by {searchable:O}, and the payment waits until then.")
        {
            VendorUnavailable = false,
            NotBefore = searchable,
        };

    /// <summary>One step: learn where the intent stands (read it, find it, or create it), then confirm it if it needs that.</summary>
    private async ValueTask<PostingOutcome> StepAsync(Payment payment, Func<Task> save, CancellationToken cancellationToken)
    {
        PaymentIntent intent;
        if (payment.VendorReference is { } reference)
        {
            intent = await pipeline.CallAsync(StripeEndpoint.RetrieveIntent, ct => _intents.GetAsync(reference, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var (found, wait) = await FindOrCreateAsync(payment, save, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                return wait!;
            }

            intent = found;
        }

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

    /// <summary>The payment's intent: found (after a create answered 500) or created; or, when a create is answered 500, why to wait.</summary>
    private async Task<(PaymentIntent? Intent, PostingOutcome.RetryLater? Wait)> FindOrCreateAsync(Payment payment, Func<Task> save, CancellationToken cancellationToken)
    {
        if (SearchWait(payment) is { } wait)
        {
            return (null, wait);
        }

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
                // after looking for an intent this create may have made — once Search can show it, not within this
                // attempt. Other failures (timeouts, lost answers, 429, 409) keep the key: repeating it returns what Stripe did.
                var now = time.GetUtcNow();
                payment.UseNextCreateKey(now);
                await save().ConfigureAwait(false);
                return (null, SearchLater(now + posting.Value.SearchLag) with
                {
                    Reason = $"Vendor answered {(int)ex.HttpStatusCode} {ex.StripeError?.Code ?? ex.StripeError?.Type} to the create; its intent, if it made one, is looked for once Stripe's search shows it.",
                    VendorUnavailable = true,
                });
            }
        }

        payment.NameVendorObject(intent.Id);
        await save().ConfigureAwait(false);
        return (intent, null);
    }

    /// <summary>The intent an earlier create made for the payment, found by its metadata; the best one if several.</summary>
    private async Task<PaymentIntent?> FindEarlierAsync(Payment payment, CancellationToken cancellationToken)
    {
        var search = new PaymentIntentSearchOptions { Query = $"metadata['payment_id']:'{payment.PaymentId}'" };
        var found = await pipeline.CallAsync(StripeEndpoint.SearchIntents, ct => _intents.SearchAsync(search, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        return found.Data
            .Where(pi => pi.Status != "canceled")
            .OrderBy(pi => pi.Status switch { "succeeded" => 0, "processing" => 1, "requires_action" => 2, "requires_confirmation" => 3, _ => 4 })
            .FirstOrDefault();
    }

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
