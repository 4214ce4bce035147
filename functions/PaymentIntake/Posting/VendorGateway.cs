using PaymentIntake.Payments;
using PaymentIntake.Posting.Circuit;
using PaymentIntake.Posting.Vendor;

namespace PaymentIntake.Posting;

/// <summary>
/// The one door to the vendor for payments — posting, the action-required check, giving up and replay's check: asks
/// the shared circuit first, settles a payment for an invoice (a card or a mail-in check) through
/// <see cref="InvoicePayer"/> under the invoice's one claim (<see cref="InvoiceClaims"/>), sends any other card
/// payment through <see cref="StripeVendor"/>, and reports to the circuit how the vendor answered every call it made
/// ("unavailable" counts towards opening it, once per payment, unless the failure follows the payment — see
/// <see cref="VendorCircuit.RecordUnavailableAsync"/>; any other answer closes it). So an admission the circuit gave
/// (a half-open probe among them) is always answered. The timer's probe (<see cref="VendorProbe"/>) reports itself.
/// </summary>
public sealed class VendorGateway(StripeVendor cards, InvoicePayer invoices, InvoiceClaims claims, VendorCircuit circuit, TimeProvider time, Microsoft.Extensions.Logging.ILogger<VendorGateway> logger)
{
    /// <summary>Null when the vendor may be called now; otherwise why and until when the payment must wait.</summary>
    public Task<PostingOutcome.Parked?> AdmitAsync(CancellationToken cancellationToken) => circuit.AdmitAsync(cancellationToken);

    /// <summary>
    /// Takes the payment as far as the vendor allows and classifies where it ended. <paramref name="save"/> is awaited
    /// whenever the vendor named its object (or moved to a new create key) and that must be stored on the row first.
    /// An exception is a bug or bad data, not a vendor answer.
    /// </summary>
    public async Task<PostingOutcome> PostAsync(Payment payment, Func<Task> save, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        PostingOutcome outcome;
        if (payment.InvoiceId is { } invoiceId)
        {
            // One payment settles an invoice: the claim is taken before any vendor call.
            var holder = await claims.ClaimAsync(invoiceId, payment.PaymentId, cancellationToken).ConfigureAwait(false);
            if (holder != payment.PaymentId)
            {
                return new PostingOutcome.Failed($"invoice {invoiceId} is settled by payment {holder}; {InvoicePayer.NotTaken(payment)}");
            }

            outcome = await invoices.PostAsync(payment, save, cancellationToken).ConfigureAwait(false);
            if (outcome is PostingOutcome.Declined or PostingOutcome.Failed)
            {
                await claims.ReleaseAsync(invoiceId, payment.PaymentId, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (payment.Kind == PaymentKinds.Check)
        {
            outcome = await invoices.PostAsync(payment, save, cancellationToken).ConfigureAwait(false); // a check always names its invoice
        }
        else
        {
            outcome = await cards.PostAsync(payment, save, cancellationToken).ConfigureAwait(false);
        }

        await ReportAsync(payment, outcome, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// Reads the payment's PaymentIntent (or, for an invoice, the invoice) at Stripe and classifies it, changing nothing
    /// (the action-required check); <see cref="PostingOutcome.Failed"/> without a call when it names no intent.
    /// </summary>
    public async Task<PostingOutcome> ReadAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.InvoiceId is not null)
        {
            var read = await invoices.ReadAsync(payment, cancellationToken).ConfigureAwait(false);
            await ReportAsync(payment, read, cancellationToken).ConfigureAwait(false);
            return read;
        }

        var outcome = await cards.ReadAsync(payment, cancellationToken).ConfigureAwait(false);
        if (NamesIntent(payment))
        {
            await ReportAsync(payment, outcome, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Before giving up: makes sure nothing can charge the payment later (a card payment's intent is canceled; a check
    /// was never recorded). <see cref="PostingOutcome.Failed"/> when that holds; otherwise what the vendor said instead.
    /// </summary>
    public async Task<PostingOutcome> AbandonAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.InvoiceId is not null)
        {
            return await AbandonInvoiceAsync(payment, cancellationToken).ConfigureAwait(false);
        }

        var outcome = await cards.AbandonAsync(payment, cancellationToken).ConfigureAwait(false);
        if (NamesIntent(payment))
        {
            await ReportAsync(payment, outcome, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Why replaying a failed payment would be wrong, or null when it may be replayed: its invoice is settled by another
    /// payment, or its PaymentIntent succeeded or was canceled (a canceled intent can never be confirmed again; the
    /// member pays anew), or Stripe cannot be asked now.
    /// </summary>
    public async Task<string?> ReplayRefusalAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.InvoiceId is { } invoiceId && await claims.HolderAsync(invoiceId, cancellationToken).ConfigureAwait(false) is { } holder && holder != payment.PaymentId)
        {
            return $"invoice {invoiceId} is settled by payment {holder}";
        }

        if (!NamesIntent(payment))
        {
            return null;
        }

        if (await circuit.AdmitAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return "Stripe cannot be asked about its PaymentIntent now (the vendor circuit is open); replay it later";
        }

        var status = await cards.IntentStatusAsync(payment, cancellationToken).ConfigureAwait(false);
        await ReportAsync(payment, unavailable: status == "unknown", cancellationToken).ConfigureAwait(false);
        return status switch
        {
            "succeeded" => $"its PaymentIntent {payment.VendorReference} succeeded: the member was charged",
            "canceled" => $"its PaymentIntent {payment.VendorReference} is canceled and can never be confirmed; the member must pay anew",
            "unknown" => "Stripe could not be asked about its PaymentIntent now; replay it later",
            _ => null,
        };
    }

    private static bool NamesIntent(Payment payment) => payment.VendorReference?.StartsWith("pi_", StringComparison.Ordinal) == true;

    private static bool IsUnavailable(PostingOutcome outcome) => outcome is PostingOutcome.RetryLater { VendorUnavailable: true };

    /// <summary>
    /// Tells the circuit how the vendor answered a call for <paramref name="payment"/> — unavailable, refusing our key
    /// (misconfigured: recorded as such, never toward opening), or answering — and the payment too.
    /// </summary>
    private async Task ReportAsync(Payment payment, PostingOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome is PostingOutcome.RetryLater { KeyRefusedWith: { } status } refused)
        {
            CircuitLog.VendorMisconfigured(logger, status, refused.Reason);
            await circuit.RecordMisconfiguredAsync(CircuitState.ByPayments, cancellationToken).ConfigureAwait(false);
            return;
        }

        await ReportAsync(payment, IsUnavailable(outcome), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells the circuit whether the vendor answered a call for <paramref name="payment"/> or was <paramref name="unavailable"/>, and the payment too.</summary>
    private async Task ReportAsync(Payment payment, bool unavailable, CancellationToken cancellationToken)
    {
        if (unavailable)
        {
            // A payment the vendor keeps failing while it answers others is the payment's problem, not an outage.
            var own = await circuit.RecordUnavailableAsync(payment.PaymentId, payment.VendorFailedAt, suspect: payment.OwnFailures > 0, cancellationToken).ConfigureAwait(false);
            payment.RecordVendorFailure(time.GetUtcNow(), ownFailure: own);
        }
        else
        {
            payment.RecordVendorAnswered();
            await circuit.RecordAnsweredAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<PostingOutcome> AbandonInvoiceAsync(Payment payment, CancellationToken cancellationToken)
    {
        // A card payment waiting for the member's authentication may have been completed at the last moment.
        if (payment.Status == PaymentStatus.ActionRequired)
        {
            var read = await ReadAsync(payment, cancellationToken).ConfigureAwait(false);
            if (read is PostingOutcome.Posted || IsUnavailable(read))
            {
                return read;
            }
        }

        // An invoice is paid in one call or not at all: nothing is left to cancel; the claim goes back.
        await claims.ReleaseAsync(payment.InvoiceId!, payment.PaymentId, cancellationToken).ConfigureAwait(false);
        return new PostingOutcome.Failed($"invoice {payment.InvoiceId} was not paid; {InvoicePayer.NotTaken(payment)}");
    }
}
