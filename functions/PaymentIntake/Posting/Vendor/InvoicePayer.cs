using System.Globalization;
using PaymentIntake.Payments;
using Stripe;

namespace PaymentIntake.Posting;

/// <summary>
/// Posts a mail-in check: records it at Stripe against its invoice as paid outside Stripe
/// (<c>POST /v1/invoices/{id}/pay</c> with <c>paid_out_of_band</c>, idempotent), after checking that the invoice is
/// open and that the check pays exactly its amount due. Anything else is <c>failed</c> with the reason, never silently
/// marked paid. The invoice's metadata names the payment, so a retry after a lost answer recognises its own payment.
/// </summary>
public sealed class InvoicePayer(IStripeClient stripe, VendorPipeline pipeline)
{
    private readonly InvoiceService _invoices = new(stripe);

    /// <summary>Takes the check as far as the vendor allows and classifies where it ended.</summary>
    public async Task<PostingOutcome> PostAsync(PaymentEntity payment, Func<Task> save, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(save);
        return await pipeline.AttemptAsync(ct => StepAsync(payment, save, ct), () => payment.VendorReference, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PostingOutcome> StepAsync(PaymentEntity payment, Func<Task> save, CancellationToken cancellationToken)
    {
        var invoiceId = payment.InvoiceId ?? throw new InvalidOperationException($"Check payment {payment.PaymentId} has no invoice id.");
        var invoice = await pipeline.CallAsync(ct => _invoices.GetAsync(invoiceId, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
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
            payment.VendorReference = invoice.Id;
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
        await pipeline.CallAsync(ct => _invoices.UpdateAsync(invoiceId, metadata, Key(payment, "metadata"), ct), cancellationToken).ConfigureAwait(false);
        invoice = await pipeline.CallAsync(
            ct => _invoices.PayAsync(invoiceId, new InvoicePayOptions { PaidOutOfBand = true }, Key(payment, "pay"), ct),
            cancellationToken).ConfigureAwait(false);
        return invoice.Status == "paid"
            ? new PostingOutcome.Posted(invoice.Id)
            : new PostingOutcome.RetryLater($"Invoice {invoice.Id} is still {invoice.Status} after paying it.");
    }

    /// <summary>
    /// Both steps are safe to repeat (the invoice is read first and its metadata names our payment), so each attempt
    /// has its own key: a 500 Stripe saved under one attempt's key does not answer the next.
    /// </summary>
    private static RequestOptions Key(PaymentEntity payment, string step) =>
        new() { IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"{payment.PaymentId}-{step}-{payment.Attempts}") };

    /// <summary>Why the check must not be recorded against this invoice, or null.</summary>
    internal static string? Refusal(Invoice invoice, PaymentEntity payment) => invoice.Status switch
    {
        "paid" => $"invoice {invoice.Id} is already paid; the check was not recorded",
        "void" => $"invoice {invoice.Id} is void; the check was not recorded",
        "draft" => $"invoice {invoice.Id} is a draft (not finalized); the check was not recorded",
        _ when !string.Equals(invoice.Currency, payment.Currency, StringComparison.OrdinalIgnoreCase) =>
            $"check currency {payment.Currency} differs from invoice {invoice.Id}'s currency {invoice.Currency}",
        _ when invoice.AmountDue != payment.Amount =>
            string.Create(CultureInfo.InvariantCulture, $"check amount {payment.Amount / 100m:0.00} differs from invoice {invoice.Id}'s amount due {invoice.AmountDue / 100m:0.00}"),
        _ => null,
    };
}
