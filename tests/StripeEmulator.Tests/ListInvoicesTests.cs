using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace StripeEmulator.Tests;

/// <summary>
/// <c>GET /v1/invoices</c> as docs.stripe.com/api/invoices/list and docs.stripe.com/api/pagination describe it — newest
/// created first, <c>status</c>, <c>created</c> filters, <c>limit</c>, <c>starting_after</c>, <c>has_more</c> — and
/// <c>status_transitions.paid_at</c> telling when an invoice was paid (docs.stripe.com/api/invoices/object).
/// </summary>
public sealed class ListInvoicesTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private StripeEmulatorServer _emulator = null!;
    private InvoiceService _invoices = null!;

    public async Task InitializeAsync()
    {
        _emulator = await StripeEmulatorServer.StartAsync(timeProvider: _time);
        _emulator.State.Limits.Lift(); // the clock is fake: buckets would never refill
        _invoices = new InvoiceService(StripeNetClient.For(_emulator));
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task List_PaidOnly_PagesNewestFirstWithinTheCreatedWindow_AndTellsWhenEachWasPaid()
    {
        var early = _emulator.State.SeedInvoice(null, 1000);
        _time.Advance(TimeSpan.FromSeconds(10));
        var paid = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            paid.Add(_emulator.State.SeedInvoice(null, 1000 + i).Id);
        }

        var open = _emulator.State.SeedInvoice(null, 2000);
        _time.Advance(TimeSpan.FromSeconds(100));
        foreach (var id in paid.Append(early.Id))
        {
            await _invoices.PayAsync(id, new InvoicePayOptions { PaidOutOfBand = true });
        }

        var paidAt = _time.GetUtcNow();
        var options = new InvoiceListOptions
        {
            Status = "paid",
            Created = new DateRangeOptions { GreaterThanOrEqual = paidAt.UtcDateTime.AddSeconds(-105), LessThan = paidAt.UtcDateTime },
            Limit = 2,
        };
        var pages = new List<StripeList<Invoice>>();
        do
        {
            pages.Add(await _invoices.ListAsync(options));
            options.StartingAfter = pages[^1].Data[^1].Id;
        }
        while (pages[^1].HasMore);

        var listed = pages.SelectMany(p => p.Data).ToList();
        Assert.Equal([2, 1], pages.Select(p => p.Data.Count));
        Assert.Equal(Enumerable.Reverse(paid), listed.Select(i => i.Id));
        Assert.DoesNotContain(listed, i => i.Id == early.Id || i.Id == open.Id);
        Assert.All(listed, i => Assert.Equal(paidAt.UtcDateTime, i.StatusTransitions.PaidAt));
        Assert.Null((await _invoices.GetAsync(open.Id)).StatusTransitions.PaidAt);
    }

    [Fact]
    public async Task PayByCard_MakesStripesOwnIntent_ListedWithoutOurMetadata_AndLinkedByAnInvoicePayment()
    {
        var client = StripeNetClient.For(_emulator);
        var invoice = _emulator.State.SeedInvoice(null, 45600);
        var method = await new PaymentMethodService(client).AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = invoice.Customer });
        var outOfBand = _emulator.State.SeedInvoice(null, 1000);

        await _invoices.PayAsync(invoice.Id, new InvoicePayOptions { PaymentMethod = method.Id, OffSession = false });
        await _invoices.PayAsync(outOfBand.Id, new InvoicePayOptions { PaidOutOfBand = true });
        var intent = Assert.Single((await new PaymentIntentService(client).ListAsync(new PaymentIntentListOptions { Limit = 10 })).Data);
        var payments = new InvoicePaymentService(client);
        var byIntent = await payments.ListAsync(new InvoicePaymentListOptions { Payment = new InvoicePaymentPaymentOptions { Type = "payment_intent", PaymentIntent = intent.Id } });
        var byOther = await payments.ListAsync(new InvoicePaymentListOptions { Payment = new InvoicePaymentPaymentOptions { Type = "payment_intent", PaymentIntent = "pi_other" } });
        var paid = await _invoices.GetAsync(invoice.Id);

        Assert.Equal(("succeeded", 45600L, 0), (intent.Status, intent.Amount, intent.Metadata.Count));
        Assert.Equal((invoice.Id, intent.Id), (Assert.Single(byIntent.Data).InvoiceId, byIntent.Data[0].Payment.PaymentIntentId));
        Assert.Empty(byOther.Data);
        Assert.Equal((45600L, 0L), (paid.AmountPaid, paid.AmountOverpaid));
        Assert.Equal(1, _emulator.State.Ledger()[invoice.Id]); // the card payment is counted once, on the invoice
    }

    [Fact]
    public async Task List_UnknownStatusOrCursor_IsRefusedAsStripeDoes()
    {
        _emulator.State.SeedInvoice(null, 1000);

        var status = await Assert.ThrowsAsync<StripeException>(() => _invoices.ListAsync(new InvoiceListOptions { Status = "settled" }));
        var cursor = await Assert.ThrowsAsync<StripeException>(() => _invoices.ListAsync(new InvoiceListOptions { StartingAfter = "in_missing" }));

        Assert.Equal(("status", 400), (status.StripeError.Param, (int)status.HttpStatusCode));
        Assert.Equal(("resource_missing", "starting_after"), (cursor.StripeError.Code, cursor.StripeError.Param));
    }
}
