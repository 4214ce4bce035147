using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace StripeEmulator.Tests;

/// <summary>
/// The emulator limits as docs.stripe.com/rate-limits describes: a sandbox's global 25/s, 25/s per endpoint (each named
/// operation), Search 20/s; 429 <c>rate_limit</c> with <c>Stripe-Rate-Limited-Reason</c>. The clock is fake, so a
/// bucket refills only when the test moves time.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private StripeEmulatorServer _emulator = null!;
    private PaymentIntentService _intents = null!;
    private HttpClient _control = null!;

    public async Task InitializeAsync()
    {
        _emulator = await StripeEmulatorServer.StartAsync(timeProvider: _time);
        var client = StripeNetClient.For(_emulator);
        _intents = new PaymentIntentService(client);
        _control = new HttpClient { BaseAddress = _emulator.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        _control.Dispose();
        await _emulator.DisposeAsync();
    }

    private Task<PaymentIntent> CreateAsync() => _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "usd", PaymentMethod = "pm_card_visa", AllowedPaymentMethodTypes = ["card"] });

    private static string? Reason(StripeException ex) =>
        ex.StripeResponse?.Headers is { } headers && headers.TryGetValues("Stripe-Rate-Limited-Reason", out var values) ? values.Single() : null;

    [Fact]
    public async Task Sandbox_TheGlobalLimitOf25_RefusesThe26thRequest_AndRefillsWithTime()
    {
        var created = await CreateAsync();
        for (var i = 0; i < 24; i++)
        {
            await _intents.GetAsync(created.Id);
        }

        var limited = await Assert.ThrowsAsync<StripeException>(() => _intents.GetAsync(created.Id));
        _time.Advance(TimeSpan.FromMilliseconds(40)); // one token at 25/s
        var again = await _intents.GetAsync(created.Id);

        Assert.Equal((HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit"), (limited.HttpStatusCode, limited.StripeError.Type, limited.StripeError.Code));
        Assert.Equal("global-rate", Reason(limited));
        Assert.Equal(created.Id, again.Id);
        Assert.Equal(1, _emulator.State.RateLimited);
    }

    [Fact]
    public async Task LiveGlobalLimit_EachEndpointStillHas25_AndAnotherEndpointIsNotHeldBack()
    {
        _emulator.State.RateLimitPerSecond = 100; // a live account's global limit
        var created = await CreateAsync();
        for (var i = 0; i < 24; i++)
        {
            await CreateAsync();
        }

        var limited = await Assert.ThrowsAsync<StripeException>(CreateAsync);
        var read = await _intents.GetAsync(created.Id); // GET /v1/payment_intents/{id} is another endpoint

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.HttpStatusCode);
        Assert.Equal("endpoint-rate", Reason(limited));
        Assert.Equal(created.Id, read.Id);
    }

    [Fact]
    public async Task Search_HasItsOwnLimitOf20()
    {
        _emulator.State.RateLimitPerSecond = 100;
        var search = new PaymentIntentSearchOptions { Query = "metadata['payment_id']:'p-1'" };
        for (var i = 0; i < 20; i++)
        {
            await _intents.SearchAsync(search);
        }

        var limited = await Assert.ThrowsAsync<StripeException>(() => _intents.SearchAsync(search));

        Assert.Equal(("rate_limit", "endpoint-rate"), (limited.StripeError.Code, Reason(limited)));
    }

    [Fact]
    public async Task Settings_RaiseLiftAndRestoreTheLimits()
    {
        async Task<JsonElement> SetAsync(object body)
        {
            using var response = await _control.PostAsJsonAsync("/_emulator/settings", body);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var raised = await SetAsync(new { rateLimitPerSecond = 100, endpointRateLimitPerSecond = 40 });
        var lifted = await SetAsync(new { rateLimits = "none" });
        for (var i = 0; i < 60; i++)
        {
            await CreateAsync();
        }

        var restored = await SetAsync(new { rateLimits = "stripe" });
        using var unknown = await _control.PostAsJsonAsync("/_emulator/settings", new { rateLimits = "some" });

        Assert.Equal((100, 40, 20), (raised.GetProperty("rateLimitPerSecond").GetInt32(), raised.GetProperty("endpointRateLimitPerSecond").GetInt32(), raised.GetProperty("searchRateLimitPerSecond").GetInt32()));
        Assert.Equal(JsonValueKind.Null, lifted.GetProperty("rateLimitPerSecond").ValueKind);
        Assert.Equal(0, _emulator.State.RateLimited);
        Assert.Equal((25, 25, 20), (restored.GetProperty("rateLimitPerSecond").GetInt32(), restored.GetProperty("endpointRateLimitPerSecond").GetInt32(), restored.GetProperty("searchRateLimitPerSecond").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }
}
