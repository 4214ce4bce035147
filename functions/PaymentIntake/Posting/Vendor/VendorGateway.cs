using PaymentIntake.Payments;

namespace PaymentIntake.Posting;

/// <summary>
/// The one way from posting to the vendor: asks the shared circuit first, sends a card payment through
/// <see cref="StripeVendor"/> and a mail-in check through <see cref="InvoicePayer"/>, and reports to the circuit how
/// the vendor answered ("unavailable" counts towards opening it; any other answer closes it).
/// </summary>
public sealed class VendorGateway(StripeVendor cards, InvoicePayer invoices, VendorCircuit circuit)
{
    /// <summary>Null when the vendor may be called now; otherwise why and until when the payment must wait.</summary>
    public Task<PostingOutcome.Parked?> AdmitAsync(CancellationToken cancellationToken) => circuit.AdmitAsync(cancellationToken);

    /// <summary>
    /// Takes the payment as far as the vendor allows and classifies where it ended. <paramref name="save"/> is awaited
    /// whenever the vendor named its object (or moved to a new create key) and that must be stored on the row first.
    /// An exception is a bug or bad data, not a vendor answer.
    /// </summary>
    public async Task<PostingOutcome> PostAsync(PaymentEntity payment, Func<Task> save, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var outcome = payment.Kind == PaymentKinds.Check
            ? await invoices.PostAsync(payment, save, cancellationToken).ConfigureAwait(false)
            : await cards.PostAsync(payment, save, cancellationToken).ConfigureAwait(false);
        if (outcome is PostingOutcome.RetryLater)
        {
            await circuit.RecordUnavailableAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await circuit.RecordAnsweredAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Before giving up: makes sure nothing can charge the payment later (a card payment's intent is canceled; a check
    /// was never recorded). <see cref="PostingOutcome.Failed"/> when that holds; otherwise what the vendor said instead.
    /// </summary>
    public Task<PostingOutcome> AbandonAsync(PaymentEntity payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return payment.Kind == PaymentKinds.Check
            ? Task.FromResult<PostingOutcome>(new PostingOutcome.Failed("a check is never recorded before it posts"))
            : cards.AbandonAsync(payment, cancellationToken);
    }
}
