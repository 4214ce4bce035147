using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace StripeEmulator.Tests;

/// <summary>
/// <c>GET /v1/payment_intents</c> as docs.stripe.com/api/payment_intents/list and docs.stripe.com/api/pagination describe
/// it — newest first, <c>created</c> filters, <c>limit</c>, <c>starting_after</c>, <c>has_more</c> — and Search lagging
/// behind it as Stripe's does (docs.stripe.com/search: not for read-after-write).
/// </summary>
public sealed class ListPaymentIntentsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private StripeEmulatorServer _emulator = null!;
    private PaymentIntentService _intents = null!;

    public async Task InitializeAsync()
    {
        _emulator = await StripeEmulatorServer.StartAsync(timeProvider: _time);
        _emulator.State.Limits.Lift(); // the clock is fake: buckets would never refill
        var client = StripeNetClient.For(_emulator);
        _intents = new PaymentIntentService(client);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private Task<PaymentIntent> CreateAsync(string paymentId) => _intents.CreateAsync(new PaymentIntentCreateOptions
    {
        Amount = 1000,
        Currency = "usd",
        PaymentMethod = "pm_card_visa",
        AllowedPaymentMethodTypes = ["card"],
        Metadata = new Dictionary<string, string> { ["payment_id"] = paymentId },
    });

    [Fact]
    public async Task List_PagesNewestFirst_WithinTheCreatedWindow()
    {
        var early = await CreateAsync("p-early");
        _time.Advance(TimeSpan.FromSeconds(10));
        var window = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            window.Add((await CreateAsync($"p-{i}")).Id);
        }

        _time.Advance(TimeSpan.FromSeconds(10));
        await CreateAsync("p-late");
        var options = new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = _time.GetUtcNow().UtcDateTime.AddSeconds(-15), LessThanOrEqual = _time.GetUtcNow().UtcDateTime.AddSeconds(-5) },
            Limit = 2,
        };

        var pages = new List<StripeList<PaymentIntent>>();
        do
        {
            pages.Add(await _intents.ListAsync(options));
            options.StartingAfter = pages[^1].Data[^1].Id;
        }
        while (pages[^1].HasMore);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Data.Count));
        Assert.Equal(Enumerable.Reverse(window), pages.SelectMany(p => p.Data).Select(pi => pi.Id));
        Assert.DoesNotContain(early.Id, pages.SelectMany(p => p.Data).Select(pi => pi.Id));
    }

    [Fact]
    public async Task AnIntentJustCreated_IsListedAtOnce_ButSearchedOnlyAfterTheLag()
    {
        var created = await CreateAsync("p-fresh");
        var search = new PaymentIntentSearchOptions { Query = "metadata['payment_id']:'p-fresh'" };

        var listed = await _intents.ListAsync(new PaymentIntentListOptions { Limit = 10 });
        var searchedAtOnce = await _intents.SearchAsync(search);
        _time.Advance(_emulator.State.SearchLag);
        var searchedLater = await _intents.SearchAsync(search);

        Assert.Equal(created.Id, Assert.Single(listed.Data).Id);
        Assert.Empty(searchedAtOnce.Data);
        Assert.Equal(created.Id, Assert.Single(searchedLater.Data).Id);
    }
}
