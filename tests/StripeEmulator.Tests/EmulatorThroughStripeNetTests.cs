using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace StripeEmulator.Tests;

/// <summary>The emulator as Stripe.net sees it, over real HTTP.</summary>
public sealed class EmulatorThroughStripeNetTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private StripeEmulatorServer _emulator = null!;
    private PaymentIntentService _intents = null!;

    public async Task InitializeAsync()
    {
        _emulator = await StripeEmulatorServer.StartAsync(timeProvider: _time);
        var client = new StripeClient("sk_test_emulator", httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: _emulator.BaseUrl.ToString().TrimEnd('/'));
        _intents = new PaymentIntentService(client);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static PaymentIntentCreateOptions Create(string method = "pm_card_visa", long amount = 1000) => new()
    {
        Amount = amount,
        Currency = "usd",
        PaymentMethod = method,
        Metadata = new Dictionary<string, string> { ["payment_id"] = "pay_test" },
    };

    private static RequestOptions Key(string key) => new() { IdempotencyKey = key };

    [Fact]
    public async Task CreateConfirmRetrieve_Visa_Succeeds()
    {
        var created = await _intents.CreateAsync(Create());
        var confirmed = await _intents.ConfirmAsync(created.Id);
        var read = await _intents.GetAsync(created.Id);

        Assert.Equal("requires_confirmation", created.Status);
        Assert.Equal("succeeded", confirmed.Status);
        Assert.Equal("succeeded", read.Status);
        Assert.Equal(1000, read.Amount);
        Assert.Equal("pay_test", read.Metadata["payment_id"]);
        Assert.Equal(1, _emulator.State.ChargesFor("pay_test"));
    }

    [Fact]
    public async Task Confirm_DeclinedCard_Throws402CardDeclined()
    {
        var created = await _intents.CreateAsync(Create("pm_card_chargeDeclined"));

        var ex = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id));

        Assert.Equal(HttpStatusCode.PaymentRequired, ex.HttpStatusCode);
        Assert.Equal("card_error", ex.StripeError.Type);
        Assert.Equal("card_declined", ex.StripeError.Code);
        Assert.Equal("generic_decline", ex.StripeError.DeclineCode);
        var read = await _intents.GetAsync(created.Id);
        Assert.Equal("requires_payment_method", read.Status);
        Assert.Equal("generic_decline", read.LastPaymentError.DeclineCode);
    }

    [Fact]
    public async Task Confirm_AuthenticationRequired_RequiresActionWithRedirect()
    {
        var created = await _intents.CreateAsync(Create("pm_card_authenticationRequired"));

        var confirmed = await _intents.ConfirmAsync(created.Id);

        Assert.Equal("requires_action", confirmed.Status);
        Assert.Equal("redirect_to_url", confirmed.NextAction.Type);
        Assert.Contains(created.Id, confirmed.NextAction.RedirectToUrl.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_Unconfirmed_IsCanceled()
    {
        var created = await _intents.CreateAsync(Create());

        Assert.Equal("canceled", (await _intents.CancelAsync(created.Id)).Status);
    }

    [Fact]
    public async Task Create_SameKeySameParameters_ReplaysTheSavedResponse()
    {
        var first = await _intents.CreateAsync(Create(), Key("k-replay"));
        var second = await _intents.CreateAsync(Create(), Key("k-replay"));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Create_SameKeyOtherParameters_Throws400IdempotencyError()
    {
        await _intents.CreateAsync(Create(amount: 1000), Key("k-mismatch"));

        var ex = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(amount: 2000), Key("k-mismatch")));

        Assert.Equal(HttpStatusCode.BadRequest, ex.HttpStatusCode);
        Assert.Equal("idempotency_error", ex.StripeError.Type);
    }

    [Fact]
    public async Task Confirm_SameKeyTwice_ChargesOnce()
    {
        var created = await _intents.CreateAsync(Create());

        var first = await _intents.ConfirmAsync(created.Id, null, Key("k-confirm"));
        var second = await _intents.ConfirmAsync(created.Id, null, Key("k-confirm"));

        Assert.Equal("succeeded", first.Status);
        Assert.Equal("succeeded", second.Status);
        Assert.Equal(1, _emulator.State.ChargesFor("pay_test"));
    }

    [Fact]
    public async Task Create_KeyOlderThanLifetime_IsForgotten()
    {
        _emulator.State.IdempotencyKeyLifetime = TimeSpan.FromMinutes(1);
        var first = await _intents.CreateAsync(Create(), Key("k-expire"));
        _time.Advance(TimeSpan.FromMinutes(2));

        var second = await _intents.CreateAsync(Create(), Key("k-expire"));

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Request_WhileSameKeyInFlight_Throws409()
    {
        _emulator.State.SetFault(FaultMode.None);
        _emulator.State.IdempotencyRecords["k-busy"] = new IdempotencyRecord { Fingerprint = "in flight", CreatedAt = _time.GetUtcNow() };

        var ex = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(), Key("k-busy")));

        Assert.Equal(HttpStatusCode.Conflict, ex.HttpStatusCode);
        Assert.Equal("idempotency_error", ex.StripeError.Type);
    }

    [Theory]
    [InlineData(FaultMode.ServerError, HttpStatusCode.InternalServerError)]
    [InlineData(FaultMode.RateLimit, HttpStatusCode.TooManyRequests)]
    public async Task Fault_ForCount_FailsThatManyThenRecovers(FaultMode mode, HttpStatusCode expected)
    {
        _emulator.State.SetFault(mode, count: 2);

        var first = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create()));
        await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create()));
        var third = await _intents.CreateAsync(Create());

        Assert.Equal(expected, first.HttpStatusCode);
        Assert.StartsWith("pi_", third.Id, StringComparison.Ordinal);
        Assert.Equal(2, _emulator.State.FaultsServed);
    }

    [Fact]
    public async Task Fault_FailedRequest_IsNotSavedUnderItsKey()
    {
        _emulator.State.SetFault(FaultMode.ServerError, count: 1);
        await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(), Key("k-after-fault")));

        var created = await _intents.CreateAsync(Create(), Key("k-after-fault"));

        Assert.Equal("requires_confirmation", created.Status);
    }

    [Fact]
    public async Task Request_WithoutTestKey_Throws401()
    {
        var client = new StripeClient("sk_live_nope", httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: _emulator.BaseUrl.ToString().TrimEnd('/'));

        var ex = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(client).GetAsync("pi_x"));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.HttpStatusCode);
    }

    [Fact]
    public async Task ControlApi_FaultsAndLedger_WorkOverHttp()
    {
        using var http = new HttpClient { BaseAddress = _emulator.BaseUrl };
        var created = await _intents.CreateAsync(Create());
        await _intents.ConfirmAsync(created.Id);

        using var set = await http.PostAsJsonAsync("/_emulator/faults", new { mode = "server_error", count = 1 });
        var ledger = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/_emulator/ledger");
        using var bad = await http.PostAsJsonAsync("/_emulator/faults", new { mode = "meltdown" });

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(FaultMode.ServerError, _emulator.State.FaultMode);
        Assert.Equal(1, ledger.GetProperty("charges").GetProperty("pay_test").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
