using System.Globalization;
using PaymentIntake.Payments;
using Stripe;

namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// Settles an invoice: a mail-in check is recorded against it as paid outside Stripe (<c>paid_out_of_band</c>); a card
/// payment pays it with the member's payment method, attached to the invoice's customer first as Stripe requires
/// (docs.stripe.com/api/invoices/pay#pay_invoice-payment_method). Either way only after checking that the invoice is
/// open and that the payment pays exactly what it still owes (amount remaining); anything else is <c>failed</c> with the reason, never
/// silently marked paid. The invoice's metadata names the payment, so a retry after a lost answer recognises its own
/// payment.
/// </summary>
public sealed class InvoicePayer(IStripeClient stripe, VendorPipeline pipeline)
{
    private readonly InvoiceService _invoices = new(stripe);
    private readonly PaymentMethodService _methods = new(stripe);

    /// <summary>Takes the check as far as the vendor allows and classifies where it ended.</summary>
    public async Task<PostingOutcome> PostAsync(Payment payment, Func<Task> save, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(save);
        var outcome = await pipeline.AttemptAsync(ct => StepAsync(payment, save, ct), () => payment.VendorReference, cancellationToken).ConfigureAwait(false);

        // The card is attached to the invoice's customer, so Stripe lets the invoice be paid with it again: a decline
        // that asks to try again is tried again later (without counting against the vendor).
        return outcome is PostingOutcome.Declined { Retryable: true } declined
            ? new PostingOutcome.RetryLater($"The card issuer asks to try again later ({declined.Code}).") { VendorUnavailable = false }
            : outcome;
    }

    private async ValueTask<PostingOutcome> StepAsync(Payment payment, Func<Task> save, CancellationToken cancellationToken)
    {
        var invoiceId = payment.InvoiceId ?? throw new InvalidOperationException($"Payment {payment.PaymentId} has no invoice id to settle.");
        var invoice = await pipeline.CallAsync(StripeEndpoint.RetrieveInvoice, ct => _invoices.GetAsync(invoiceId, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        if (invoice.Status == "paid" && invoice.Metadata?.GetValueOrDefault("payment_id") == payment.PaymentId)
        {
            return new PostingOutcome.Posted(invoice.Id);
        }

        if (Refusal(invoice, payment) is { } reason)
        {
            return new PostingOutcome.Failed(reason);
        }

        if (payment.VendorReference is null)
        {
            payment.NameVendorObject(invoice.Id);
            await save().ConfigureAwait(false);
        }

        var metadata = new InvoiceUpdateOptions
        {
            Metadata = new Dictionary<string, string>
            {
                ["payment_id"] = payment.PaymentId,
                ["member_id"] = payment.MemberId,
                ["check_number"] = payment.CheckNumber ?? "",
                ["received_date"] = payment.ReceivedDate ?? "",
                ["accepted_at"] = payment.AcceptedAt.ToString("O", CultureInfo.InvariantCulture),
            },
        };
        await pipeline.CallAsync(StripeEndpoint.UpdateInvoice, ct => _invoices.UpdateAsync(invoiceId, metadata, Key(payment, "metadata"), ct), cancellationToken).ConfigureAwait(false);
        var pay = new InvoicePayOptions { PaidOutOfBand = true };
        if (payment.Kind == PaymentKinds.Card)
        {
            var customer = invoice.CustomerId;
            var attached = await pipeline.CallAsync(
                StripeEndpoint.AttachPaymentMethod,
                ct => _methods.AttachAsync(payment.PaymentMethodId, new PaymentMethodAttachOptions { Customer = customer }, Key(payment, "attach"), ct),
                cancellationToken).ConfigureAwait(false);
            // The member is paying now (the card came from the front end), so the payment is on-session: a card that needs
            // 3-D Secure asks for it instead of failing, as Stripe's default off_session=true would
            // (docs.stripe.com/api/invoices/pay#pay_invoice-off_session).
            pay = new InvoicePayOptions { PaymentMethod = attached.Id, OffSession = false };
        }

        var hosted = invoice.HostedInvoiceUrl;
        try
        {
            invoice = await pipeline.CallAsync(StripeEndpoint.PayInvoice, ct => _invoices.PayAsync(invoiceId, pay, Key(payment, "pay"), ct), cancellationToken).ConfigureAwait(false);
        }
        catch (StripeException ex) when (ex.StripeError?.Code == RequiresAction)
        {
            // The card needs the member's authentication: they complete it on the invoice's hosted page, and the
            // action-required check (or the next read) finds the invoice paid.
            return new PostingOutcome.ActionRequired(invoiceId, hosted);
        }

        return invoice.Status == "paid"
            ? new PostingOutcome.Posted(invoice.Id)
            : new PostingOutcome.RetryLater($"Invoice {invoice.Id} is still {invoice.Status} after paying it.");
    }

    /// <summary>
    /// Reads the payment's invoice and classifies it, changing nothing (the action-required check): posted when it is
    /// paid and names this payment, still action-required while open, failed otherwise.
    /// </summary>
    public async Task<PostingOutcome> ReadAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var invoiceId = payment.InvoiceId ?? throw new InvalidOperationException($"Payment {payment.PaymentId} has no invoice id to read.");
        return await pipeline.AttemptAsync(
            async ct =>
            {
                var invoice = await pipeline.CallAsync(StripeEndpoint.RetrieveInvoice, c => _invoices.GetAsync(invoiceId, cancellationToken: c), ct).ConfigureAwait(false);
                var ours = invoice.Metadata?.GetValueOrDefault("payment_id") == payment.PaymentId;
                return invoice.Status switch
                {
                    "paid" when ours => new PostingOutcome.Posted(invoice.Id),
                    "open" when ours => new PostingOutcome.ActionRequired(invoice.Id, invoice.HostedInvoiceUrl),
                    _ => (PostingOutcome)new PostingOutcome.Failed(Refusal(invoice, payment) ?? $"invoice {invoice.Id} is {invoice.Status}; {NotTaken(payment)}"),
                };
            },
            () => payment.VendorReference,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stripe's error code for an invoice payment that needs the customer's action (3-D Secure).</summary>
    internal const string RequiresAction = "invoice_payment_intent_requires_action";

    /// <summary>
    /// Both steps are safe to repeat (the invoice is read first and its metadata names our payment), so each attempt
    /// has its own key: a 500 Stripe saved under one attempt's key does not answer the next.
    /// </summary>
    private static RequestOptions Key(Payment payment, string step) =>
        new() { IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"{payment.PaymentId}-{step}-{payment.Attempts}") };

    /// <summary>Why the check must not be recorded against this invoice, or null.</summary>
    internal static string? Refusal(Invoice invoice, Payment payment) => invoice.Status switch
    {
        "paid" => $"invoice {invoice.Id} is already paid; {NotTaken(payment)}",
        "void" => $"invoice {invoice.Id} is void; {NotTaken(payment)}",
        "draft" => $"invoice {invoice.Id} is a draft (not finalized); {NotTaken(payment)}",
        _ when !string.Equals(invoice.Currency, payment.Currency, StringComparison.OrdinalIgnoreCase) =>
            $"{payment.Kind} currency {payment.Currency} differs from invoice {invoice.Id}'s currency {invoice.Currency}",
        // Since basil an invoice can be paid in parts: what is still owed is amount_remaining, not amount_due
        // (docs.stripe.com/api/invoices/object#invoice_object-amount_remaining).
        _ when invoice.AmountRemaining != payment.Amount =>
            string.Create(CultureInfo.InvariantCulture, $"{payment.Kind} amount {payment.Amount / 100m:0.00} differs from invoice {invoice.Id}'s amount remaining {invoice.AmountRemaining / 100m:0.00}"),
        _ => null,
    };

    /// <summary>What became of a payment that did not settle its invoice, in plain words.</summary>
    internal static string NotTaken(Payment payment) =>
        payment.Kind == PaymentKinds.Check ? "the check was not recorded: return it to the member" : "no card was charged";
}
