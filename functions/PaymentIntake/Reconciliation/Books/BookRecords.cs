using PaymentIntake.Payments;

namespace PaymentIntake.Reconciliation.Books;

/// <summary>A PaymentIntent as Stripe's books have it.</summary>
/// <param name="Id">The intent, <c>pi_…</c>.</param>
/// <param name="PaymentId">The payment its <c>metadata.payment_id</c> names, or null.</param>
/// <param name="Status">Stripe's status; <c>succeeded</c> is money taken.</param>
/// <param name="Amount">Minor units.</param>
/// <param name="Currency">Lower-case ISO code.</param>
/// <param name="InWindow">Listed as created in the window (false: read because one of our payments names it).</param>
public sealed record StripeIntentRecord(string Id, string? PaymentId, string Status, long Amount, string Currency, bool InWindow)
{
    /// <summary>
    /// The invoice this is Stripe's own intent of (it charged a card for the invoice: no metadata of ours, reconciled
    /// through the invoice), once looked up; null otherwise.
    /// </summary>
    public string? InvoiceId { get; init; }
}

/// <summary>An invoice as Stripe's books have it.</summary>
/// <param name="Id">The invoice, <c>in_…</c>.</param>
/// <param name="PaymentId">The payment its <c>metadata.payment_id</c> names, or null.</param>
/// <param name="Status">Stripe's status; <c>paid</c> is settled (by a card or out of band).</param>
/// <param name="AmountPaid">Minor units paid in all (every payment of the invoice, out of band included, since basil).</param>
/// <param name="AmountOverpaid">Minor units paid beyond what was due (<c>amount_overpaid</c>).</param>
/// <param name="Currency">Lower-case ISO code.</param>
/// <param name="InWindow">Listed as paid in the window (false: read because one of our payments names it).</param>
public sealed record StripeInvoiceRecord(string Id, string? PaymentId, string Status, long AmountPaid, long AmountOverpaid, string Currency, bool InWindow);

/// <summary>A payment as our books have it (its row).</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="Status">Our status.</param>
/// <param name="Amount">Minor units.</param>
/// <param name="Currency">Lower-case ISO code.</param>
/// <param name="VendorReference">The intent or invoice it names.</param>
/// <param name="InvoiceId">The invoice it settles, if any.</param>
/// <param name="PostedInWindow">It reached <c>posted</c> within the window.</param>
public sealed record OurRecord(string PaymentId, string Status, long Amount, string Currency, string? VendorReference, string? InvoiceId, bool PostedInWindow)
{
    /// <summary>The record of <paramref name="payment"/> for a window that <paramref name="postedInWindow"/> says it was posted in or not.</summary>
    public static OurRecord Of(Payment payment, bool postedInWindow)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return new(payment.PaymentId, payment.Status, payment.Amount, payment.Currency, payment.VendorReference, payment.InvoiceId, postedInWindow);
    }
}

/// <summary>The kinds of disagreement between our books and Stripe's, as the reports name them.</summary>
public static class MismatchKinds
{
    /// <summary>Money taken at Stripe (an intent succeeded, an invoice paid) for a payment we call declined or failed: the worst case.</summary>
    public const string ChargedNotPosted = "charged-not-posted";

    /// <summary>A payment we call posted whose Stripe object did not succeed, is missing, or belongs to another payment.</summary>
    public const string PostedNotCharged = "posted-not-charged";

    /// <summary>Stripe took another amount or currency than the payment's.</summary>
    public const string AmountDiffers = "amount-differs";

    /// <summary>More than one succeeded intent names one payment.</summary>
    public const string ChargedTwice = "charged-twice";

    /// <summary>Stripe charged the payment under another intent than the one our row names.</summary>
    public const string ReferenceDiffers = "reference-differs";

    /// <summary>An intent created in the window took money (succeeded) but names no payment of ours and pays no invoice.</summary>
    public const string UnknownIntent = "unknown-intent";

    /// <summary>An invoice paid more than it was due (<c>amount_overpaid</c>), or settled by more than one of our payments.</summary>
    public const string InvoicePaidTwice = "invoice-paid-twice";

    /// <summary>An invoice paid in the window names no payment of ours (or one that records another object).</summary>
    public const string InvoicePaidWithoutRecord = "invoice-paid-without-record";
}

/// <summary>One disagreement, with both sides as far as they exist.</summary>
/// <param name="Kind">One of <see cref="MismatchKinds"/>.</param>
/// <param name="PaymentId">Our payment, where one is named.</param>
/// <param name="StripeObject">The intent or invoice, where there is one.</param>
/// <param name="StripeStatus">Its status at Stripe.</param>
/// <param name="StripeAmount">What Stripe took (intent amount, invoice amount paid).</param>
/// <param name="StripeCurrency">In which currency.</param>
/// <param name="OurStatus">Our payment's status.</param>
/// <param name="OurAmount">Our payment's amount.</param>
/// <param name="OurCurrency">Our payment's currency.</param>
/// <param name="Detail">What disagrees, in plain words.</param>
public sealed record Mismatch(
    string Kind,
    string? PaymentId,
    string? StripeObject,
    string? StripeStatus,
    long? StripeAmount,
    string? StripeCurrency,
    string? OurStatus,
    long? OurAmount,
    string? OurCurrency,
    string Detail);

/// <summary>A payment Stripe charged that is still in flight here: not a mismatch yet, judged again by every later run until it is.</summary>
/// <param name="PaymentId">Our payment.</param>
/// <param name="StripeObject">The intent or invoice that took its money.</param>
public sealed record PendingCharge(string PaymentId, string StripeObject);

/// <summary>What comparing one window's books found.</summary>
/// <param name="Matched">Payments whose money at Stripe and record here agree.</param>
/// <param name="Pending">Payments charged at Stripe that are still in flight here (posting will record them; not a mismatch).</param>
/// <param name="Mismatches">Every disagreement.</param>
public sealed record BookComparison(int Matched, IReadOnlyList<PendingCharge> Pending, IReadOnlyList<Mismatch> Mismatches);
