using System.Globalization;
using PaymentIntake.Payments;

namespace PaymentIntake.Reconciliation.Books;

/// <summary>
/// Compares one window of Stripe's books with ours: a pure function, unit-tested case by case. Stripe's side is the
/// intents created and the invoices paid in the window, plus the objects our payments posted in the window name; ours is
/// the rows those objects name and the rows posted in the window. Every payment is judged by its row (the truth) — a
/// payment still in flight whose money Stripe took is pending, not a mismatch: posting records it. Only money counts
/// against Stripe's side: an intent that did not succeed, or Stripe's own intent of an invoice (reconciled through the
/// invoice), is no mismatch by itself.
/// </summary>
public static class BookMatcher
{
    /// <summary>Compares the books; <paramref name="ours"/> holds every payment any Stripe object names and every payment posted in the window.</summary>
    public static BookComparison Compare(IEnumerable<StripeIntentRecord> intents, IEnumerable<StripeInvoiceRecord> invoices, IReadOnlyDictionary<string, OurRecord> ours)
    {
        ArgumentNullException.ThrowIfNull(intents);
        ArgumentNullException.ThrowIfNull(invoices);
        ArgumentNullException.ThrowIfNull(ours);
        var intentsById = intents.GroupBy(i => i.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var invoicesById = invoices.GroupBy(i => i.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var mismatches = new List<Mismatch>();
        var judged = new HashSet<string>(StringComparer.Ordinal); // payments with a verdict (matched, pending or mismatched)
        var matched = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<PendingCharge>();

        foreach (var intent in intentsById.Values.Where(i => IsUnknown(i, ours)))
        {
            mismatches.Add(Of(MismatchKinds.UnknownIntent, intent, null, intent.PaymentId is null
                ? "Stripe took the money, but the intent names no payment (no metadata.payment_id) and pays no invoice."
                : $"Stripe took the money for payment {intent.PaymentId}, which is not ours."));
        }

        foreach (var group in intentsById.Values.Where(i => i.Status == "succeeded" && i.PaymentId is not null && ours.ContainsKey(i.PaymentId)).GroupBy(i => i.PaymentId!, StringComparer.Ordinal))
        {
            var payment = ours[group.Key];
            var charged = group.OrderBy(i => i.Id == payment.VendorReference ? 0 : 1).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
            judged.Add(payment.PaymentId);
            if (charged.Count > 1)
            {
                mismatches.Add(Of(MismatchKinds.ChargedTwice, charged[0], payment, $"Stripe charged the payment {charged.Count} times: {string.Join(", ", charged.Select(i => i.Id))}."));
                continue;
            }

            var intent = charged[0];
            if (Judge(payment, intent.Id, intent.Amount, intent.Currency, pending, matched) is { } problem)
            {
                mismatches.Add(Of(problem.Kind, intent, payment, problem.Detail));
            }
        }

        foreach (var invoice in invoicesById.Values.Where(i => i.Status == "paid"))
        {
            if (invoice.PaymentId is null || !ours.TryGetValue(invoice.PaymentId, out var payment))
            {
                if (invoice.InWindow)
                {
                    mismatches.Add(Of(invoice, null, MismatchKinds.InvoicePaidWithoutRecord, invoice.PaymentId is null
                        ? "The invoice was paid but names no payment (no metadata.payment_id)."
                        : $"The invoice was paid for payment {invoice.PaymentId}, which is not ours."));
                }

                continue;
            }

            if (!judged.Add(payment.PaymentId))
            {
                continue;
            }

            // amount_paid sums every payment of the invoice (earlier partial ones too), ours paid what remained: Stripe
            // disagrees only when it has less than ours.
            if (Judge(payment, invoice.Id, invoice.AmountPaid, invoice.Currency, pending, matched, atLeast: true) is { } problem)
            {
                mismatches.Add(Of(invoice, payment, problem.Kind == MismatchKinds.ReferenceDiffers ? MismatchKinds.InvoicePaidWithoutRecord : problem.Kind, problem.Detail));
            }
            else if (invoice.AmountOverpaid > 0)
            {
                matched.Remove(payment.PaymentId);
                mismatches.Add(Of(invoice, payment, MismatchKinds.InvoicePaidTwice, string.Create(CultureInfo.InvariantCulture, $"Stripe took {invoice.AmountOverpaid} more than the invoice was due (amount_overpaid).")));
            }
        }

        foreach (var shared in ours.Values.Where(p => p.Status == PaymentStatus.Posted && p.InvoiceId is not null).GroupBy(p => p.InvoiceId!, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var invoice = invoicesById.GetValueOrDefault(shared.Key);
            foreach (var payment in shared.Where(p => judged.Add(p.PaymentId) || matched.Remove(p.PaymentId)))
            {
                mismatches.Add(Of(invoice, payment, MismatchKinds.InvoicePaidTwice, $"Invoice {shared.Key} is settled by {shared.Count()} of our payments: {string.Join(", ", shared.Select(p => p.PaymentId).Order(StringComparer.Ordinal))}."));
            }
        }

        foreach (var payment in ours.Values.Where(p => p.PostedInWindow && p.Status == PaymentStatus.Posted && !judged.Contains(p.PaymentId)))
        {
            judged.Add(payment.PaymentId);
            if (payment.InvoiceId is { } invoiceId)
            {
                var invoice = invoicesById.GetValueOrDefault(payment.VendorReference ?? invoiceId);
                mismatches.Add(Of(invoice, payment, MismatchKinds.PostedNotCharged, invoice switch
                {
                    null => $"Invoice {payment.VendorReference ?? invoiceId} was not found at Stripe.",
                    { Status: not "paid" } => $"Invoice {invoice.Id} is {invoice.Status} at Stripe.",
                    _ => $"Invoice {invoice.Id} is paid for {(invoice.PaymentId is null ? "no payment" : "payment " + invoice.PaymentId)}.",
                }));
            }
            else
            {
                var intent = payment.VendorReference is { } reference ? intentsById.GetValueOrDefault(reference) : null;
                mismatches.Add(Of(MismatchKinds.PostedNotCharged, intent, payment, intent switch
                {
                    null when payment.VendorReference is null => "The payment names no intent.",
                    null => $"Intent {payment.VendorReference} was not found at Stripe.",
                    { Status: not "succeeded" } => $"Intent {intent.Id} is {intent.Status} at Stripe.",
                    _ => $"Intent {intent.Id} belongs to {(intent.PaymentId is null ? "no payment" : "payment " + intent.PaymentId)}.",
                }));
            }
        }

        return new BookComparison(matched.Count, pending, mismatches);
    }

    /// <summary>Judges a payment against the one Stripe object that took its money: null when they agree (matched) or it is still in flight (pending).</summary>
    private static (string Kind, string Detail)? Judge(OurRecord payment, string stripeObject, long amount, string currency, List<PendingCharge> pending, HashSet<string> matched, bool atLeast = false)
    {
        if (payment.Status != PaymentStatus.Posted)
        {
            if (PaymentStatus.IsInFlight(payment.Status) || payment.Status == PaymentStatus.ActionRequired)
            {
                pending.Add(new PendingCharge(payment.PaymentId, stripeObject));
                return null;
            }

            return (MismatchKinds.ChargedNotPosted, $"Stripe took the money ({stripeObject}) but the payment is {payment.Status} here.");
        }

        if ((atLeast ? amount < payment.Amount : amount != payment.Amount) || !string.Equals(currency, payment.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return (MismatchKinds.AmountDiffers, string.Create(CultureInfo.InvariantCulture, $"Stripe took {amount} {currency}; the payment is {payment.Amount} {payment.Currency}."));
        }

        if (payment.VendorReference != stripeObject)
        {
            return (MismatchKinds.ReferenceDiffers, $"Stripe took the money under {stripeObject}; the payment names {payment.VendorReference ?? "nothing"}.");
        }

        matched.Add(payment.PaymentId);
        return null;
    }

    /// <summary>An intent listed in the window that took money for nobody of ours and pays no invoice.</summary>
    internal static bool IsUnknown(StripeIntentRecord intent, IReadOnlyDictionary<string, OurRecord> ours) =>
        intent.InWindow && intent.Status == "succeeded" && intent.InvoiceId is null && (intent.PaymentId is null || !ours.ContainsKey(intent.PaymentId));

    private static Mismatch Of(string kind, StripeIntentRecord? intent, OurRecord? payment, string detail) =>
        new(kind, payment?.PaymentId ?? intent?.PaymentId, intent?.Id, intent?.Status, intent?.Amount, intent?.Currency, payment?.Status, payment?.Amount, payment?.Currency, detail);

    private static Mismatch Of(StripeInvoiceRecord? invoice, OurRecord? payment, string kind, string detail) =>
        new(kind, payment?.PaymentId ?? invoice?.PaymentId, invoice?.Id, invoice?.Status, invoice?.AmountPaid, invoice?.Currency, payment?.Status, payment?.Amount, payment?.Currency, detail);
}
