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
    /// Takes the payment as far as the vendor allows and classifies where it ended. <paramref name="rememberReference"/>
    /// is awaited as soon as the vendor named its object. An exception is a bug or bad data, not a vendor answer.
    /// </summary>
    public async Task<PostingOutcome> PostAsync(PaymentEntity payment, Func<string, Task> rememberReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var outcome = payment.Kind == PaymentKinds.Check
            ? await invoices.PostAsync(payment, rememberReference, cancellationToken).ConfigureAwait(false)
            : await cards.PostAsync(payment, rememberReference, cancellationToken).ConfigureAwait(false);
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
}
