using System.Net;
using PaymentIntake.Posting.Vendor;
using Stripe;

namespace PaymentIntake.Reconciliation.Books;

/// <summary>
/// Reads Stripe's books for a window through the list endpoints (<c>created</c> filters, <c>limit</c> 100,
/// <c>starting_after</c> until <c>has_more</c> is false: docs.stripe.com/api/pagination), every request paced at the
/// app's shared vendor rate, global and per endpoint (<see cref="VendorPipeline.CallAsync{T}"/>), and tried again on a
/// transient failure (<see cref="VendorPipeline.Attempt"/>). Lists, never Search: Search lags writes
/// (docs.stripe.com/search), a list reads the objects themselves.
/// </summary>
public sealed class StripeLedger(IStripeClient stripe, VendorPipeline pipeline)
{
    private readonly PaymentIntentService _intents = new(stripe);
    private readonly InvoiceService _invoices = new(stripe);
    private readonly InvoicePaymentService _invoicePayments = new(stripe);

    /// <summary>
    /// Every PaymentIntent created in [<paramref name="from"/>, <paramref name="to"/>). Stripe's times are whole Unix
    /// seconds, so an object of second S is in the window when from ≤ S &lt; to, that is ⌈from⌉ ≤ S &lt; ⌈to⌉.
    /// </summary>
    public async Task<IReadOnlyList<StripeIntentRecord>> IntentsCreatedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var options = new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = Ceiling(from), LessThan = Ceiling(to) },
            Limit = 100,
        };
        var records = new List<StripeIntentRecord>();
        while (true)
        {
            var page = await ReadAsync(StripeEndpoint.ListIntents, ct => _intents.ListAsync(options, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            records.AddRange(page.Data.Select(pi => Record(pi, inWindow: true)));
            if (!page.HasMore || page.Data.Count == 0)
            {
                return records;
            }

            options.StartingAfter = page.Data[^1].Id;
        }
    }

    /// <summary>
    /// Every invoice paid in [<paramref name="from"/>, <paramref name="to"/>) by its <c>status_transitions.paid_at</c>,
    /// among the paid invoices created from <paramref name="lookback"/> before <paramref name="from"/> (Stripe lists
    /// invoices by creation only: docs.stripe.com/api/invoices/list).
    /// </summary>
    public async Task<IReadOnlyList<StripeInvoiceRecord>> InvoicesPaidAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan lookback, CancellationToken cancellationToken)
    {
        var options = new InvoiceListOptions
        {
            Status = "paid",
            Created = new DateRangeOptions { GreaterThanOrEqual = Ceiling(from - lookback), LessThan = Ceiling(to) },
            Limit = 100,
        };
        var (fromSecond, toSecond) = (new DateTimeOffset(Ceiling(from)).ToUnixTimeSeconds(), new DateTimeOffset(Ceiling(to)).ToUnixTimeSeconds());
        var records = new List<StripeInvoiceRecord>();
        while (true)
        {
            var page = await ReadAsync(StripeEndpoint.ListInvoices, ct => _invoices.ListAsync(options, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            records.AddRange(page.Data
                .Where(i => i.StatusTransitions?.PaidAt is { } paidAt && new DateTimeOffset(DateTime.SpecifyKind(paidAt, DateTimeKind.Utc)).ToUnixTimeSeconds() is var s && s >= fromSecond && s < toSecond)
                .Select(i => Record(i, inWindow: true)));
            if (!page.HasMore || page.Data.Count == 0)
            {
                return records;
            }

            options.StartingAfter = page.Data[^1].Id;
        }
    }

    /// <summary>
    /// The invoice <paramref name="intentId"/> paid, if it is Stripe's own intent of an invoice (a card payment of an
    /// invoice: Stripe makes the intent, without our metadata, and links it through an invoice payment:
    /// docs.stripe.com/api/invoice-payment/list), or null.
    /// </summary>
    public async Task<string?> InvoiceOfIntentAsync(string intentId, CancellationToken cancellationToken)
    {
        var options = new InvoicePaymentListOptions
        {
            Payment = new InvoicePaymentPaymentOptions { Type = "payment_intent", PaymentIntent = intentId },
            Limit = 1,
        };
        var page = await ReadAsync(StripeEndpoint.ListInvoicePayments, ct => _invoicePayments.ListAsync(options, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        return page.Data.FirstOrDefault()?.InvoiceId;
    }

    /// <summary>One intent, or null when Stripe has none by that id.</summary>
    public async Task<StripeIntentRecord?> IntentAsync(string id, CancellationToken cancellationToken) =>
        await ReadOneAsync(StripeEndpoint.RetrieveIntent, ct => _intents.GetAsync(id, cancellationToken: ct), cancellationToken).ConfigureAwait(false) is { } intent
            ? Record(intent, inWindow: false)
            : null;

    /// <summary>One invoice, or null when Stripe has none by that id.</summary>
    public async Task<StripeInvoiceRecord?> InvoiceAsync(string id, CancellationToken cancellationToken) =>
        await ReadOneAsync(StripeEndpoint.RetrieveInvoice, ct => _invoices.GetAsync(id, cancellationToken: ct), cancellationToken).ConfigureAwait(false) is { } invoice
            ? Record(invoice, inWindow: false)
            : null;

    private async Task<T?> ReadOneAsync<T>(StripeEndpoint endpoint, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await ReadAsync(endpoint, request, cancellationToken).ConfigureAwait(false);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<T> ReadAsync<T>(StripeEndpoint endpoint, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken) =>
        await pipeline.Attempt.ExecuteAsync(async ct => await pipeline.CallAsync(endpoint, request, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>The first whole second at or after <paramref name="at"/>, in UTC.</summary>
    internal static DateTime Ceiling(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        var floor = new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        return floor == utc ? floor : floor.AddSeconds(1);
    }

    private static StripeIntentRecord Record(PaymentIntent pi, bool inWindow) =>
        new(pi.Id, pi.Metadata?.GetValueOrDefault("payment_id"), pi.Status, pi.Amount, pi.Currency, inWindow);

    private static StripeInvoiceRecord Record(Invoice invoice, bool inWindow) =>
        new(invoice.Id, invoice.Metadata?.GetValueOrDefault("payment_id"), invoice.Status, invoice.AmountPaid, invoice.AmountOverpaid, invoice.Currency, inWindow);
}
