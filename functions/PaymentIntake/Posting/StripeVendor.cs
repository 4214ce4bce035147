using System.Globalization;
using PaymentIntake.Storage;
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
        try
        {
            PaymentIntent intent;
            if (payment.VendorReference is null)
            {
                intent = await pipeline.Pipeline.ExecuteAsync(
                    async ct => await _intents.CreateAsync(CreateOptions(payment), Idempotent(payment, "create"), ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
                await rememberReference(intent.Id).ConfigureAwait(false);
            }
            else
            {
                intent = await pipeline.Pipeline.ExecuteAsync(
                    async ct => await _intents.GetAsync(payment.VendorReference, cancellationToken: ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
            }

            var outcome = VendorAnswerClassifier.ForIntent(intent);
            if (outcome is not PostingOutcome.ConfirmNeeded)
            {
                return outcome;
            }

            var confirm = new PaymentIntentConfirmOptions { PaymentMethod = payment.PaymentMethodId };
            intent = await pipeline.Pipeline.ExecuteAsync(
                async ct => await _intents.ConfirmAsync(intent.Id, confirm, Idempotent(payment, "confirm"), ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            outcome = VendorAnswerClassifier.ForIntent(intent);
            return outcome is PostingOutcome.ConfirmNeeded
                ? new PostingOutcome.RetryLater($"The PaymentIntent {intent.Id} is still {intent.Status} after confirming.")
                : outcome;
        }
        catch (Exception ex) when (VendorAnswerClassifier.ForException(ex, payment.VendorReference, cancellationToken) is { } outcome)
        {
            return outcome;
        }
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
