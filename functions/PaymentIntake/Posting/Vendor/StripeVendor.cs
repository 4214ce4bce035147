using System.Globalization;
using PaymentIntake.Payments;
using Stripe;

namespace PaymentIntake.Posting;

/// <summary>
/// Posts a payment to Stripe: create the PaymentIntent (idempotent), remember its id, then confirm it by id.
/// A later attempt reads the intent first and acts on its status, so a lost answer never leads to a second charge,
/// even after Stripe has forgotten the idempotency key. Every call goes through the one resilience pipeline.
/// </summary>
public sealed class StripeVendor(IStripeClient stripe, VendorPipeline pipeline)
{
    private readonly PaymentIntentService _intents = new(stripe);

    /// <summary>
    /// Takes the payment as far as the vendor allows and classifies where it ended.
    /// <paramref name="rememberReference"/> is awaited as soon as the vendor named the intent.
    /// </summary>
    public async Task<PostingOutcome> PostAsync(PaymentEntity payment, Func<string, Task> rememberReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(rememberReference);
        return await pipeline.AttemptAsync(ct => StepAsync(payment, rememberReference, ct), () => payment.VendorReference, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One step: learn where the intent stands (create it, or read it), then confirm it if it needs that.</summary>
    private async ValueTask<PostingOutcome> StepAsync(PaymentEntity payment, Func<string, Task> rememberReference, CancellationToken cancellationToken)
    {
        PaymentIntent intent;
        if (payment.VendorReference is null)
        {
            intent = await pipeline.CallAsync(ct => _intents.CreateAsync(CreateOptions(payment), Idempotent(payment, "create"), ct), cancellationToken).ConfigureAwait(false);
            await rememberReference(intent.Id).ConfigureAwait(false);
        }
        else
        {
            var reference = payment.VendorReference;
            intent = await pipeline.CallAsync(ct => _intents.GetAsync(reference, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }

        var outcome = VendorAnswerClassifier.ForIntent(intent);
        if (outcome is not PostingOutcome.ConfirmNeeded)
        {
            return outcome;
        }

        var confirm = new PaymentIntentConfirmOptions { PaymentMethod = payment.PaymentMethodId };
        var id = intent.Id;
        intent = await pipeline.CallAsync(ct => _intents.ConfirmAsync(id, confirm, Idempotent(payment, "confirm"), ct), cancellationToken).ConfigureAwait(false);
        outcome = VendorAnswerClassifier.ForIntent(intent);
        return outcome is PostingOutcome.ConfirmNeeded
            ? new PostingOutcome.RetryLater($"The PaymentIntent {intent.Id} is still {intent.Status} after confirming.")
            : outcome;
    }

    private static RequestOptions Idempotent(PaymentEntity payment, string step) =>
        new() { IdempotencyKey = $"{payment.PaymentId}-{step}" };

    private static PaymentIntentCreateOptions CreateOptions(PaymentEntity payment)
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
            PaymentMethod = payment.PaymentMethodId,
            Description = payment.Description,
            Metadata = metadata,
        };
    }
}
