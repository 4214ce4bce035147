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
    public async Task List_UnknownStatusOrCursor_IsRefusedAsStripeDoes()
    {
        _emulator.State.SeedInvoice(null, 1000);

        var status = await Assert.ThrowsAsync<StripeException>(() => _invoices.ListAsync(new InvoiceListOptions { Status = "settled" }));
        var cursor = await Assert.ThrowsAsync<StripeException>(() => _invoices.ListAsync(new InvoiceListOptions { StartingAfter = "in_missing" }));

        Assert.Equal(("status", 400), (status.StripeError.Param, (int)status.HttpStatusCode));
        Assert.Equal(("resource_missing", "starting_after"), (cursor.StripeError.Code, cursor.StripeError.Param));
    }
}
