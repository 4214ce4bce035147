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
        var client = StripeNetClient.For(_emulator);
        _intents = new PaymentIntentService(client);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static PaymentIntentCreateOptions Create(string method = "pm_card_visa", long amount = 1000) => new()
    {
        Amount = amount,
        Currency = "usd",
        PaymentMethod = method,
        AllowedPaymentMethodTypes = ["card"],
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
    public async Task Confirm_AuthenticationRequiredWithReturnUrl_RequiresActionWithRedirect()
    {
        var created = await _intents.CreateAsync(Create("pm_card_authenticationRequired"));

        var confirmed = await _intents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions { ReturnUrl = "https://pay.example.test/return" });

        Assert.Equal("requires_action", confirmed.Status);
        Assert.Equal("redirect_to_url", confirmed.NextAction.Type);
        Assert.Contains(created.Id, confirmed.NextAction.RedirectToUrl.Url, StringComparison.Ordinal);
        Assert.Equal("https://pay.example.test/return", confirmed.NextAction.RedirectToUrl.ReturnUrl);
    }

    [Fact]
    public async Task Confirm_AuthenticationRequiredWithoutReturnUrl_NeedsStripeJs()
    {
        var created = await _intents.CreateAsync(Create("pm_card_authenticationRequired"));

        var confirmed = await _intents.ConfirmAsync(created.Id);

        Assert.Equal(("requires_action", "use_stripe_sdk"), (confirmed.Status, confirmed.NextAction.Type));
        Assert.Null(confirmed.NextAction.RedirectToUrl);
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
    public async Task Fault_ServerErrorInsideTheEndpoint_IsSavedUnderItsKeyAndReplayed()
    {
        _emulator.State.SetFault(FaultMode.ServerError, count: 1);
        await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(), Key("k-saved-500")));

        var again = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(), Key("k-saved-500")));
        var otherKey = await _intents.CreateAsync(Create(), Key("k-after-500"));

        Assert.Equal(HttpStatusCode.InternalServerError, again.HttpStatusCode);
        Assert.Equal("true", again.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("requires_confirmation", otherKey.Status);
        Assert.Single(_emulator.State.PaymentIntentsFor("pay_test"));
    }

    [Fact]
    public async Task Fault_ServerErrorBeforeExecution_IsNotSaved()
    {
        _emulator.State.SetFault(FaultMode.ServerError, count: 1, phase: FaultPhase.BeforeExecution);
        await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(), Key("k-edge-500")));

        var created = await _intents.CreateAsync(Create(), Key("k-edge-500"));

        Assert.Equal("requires_confirmation", created.Status);
    }

    [Fact]
    public async Task Fault_ServerErrorAfterExecution_TheIntentExistsAndThe500IsReplayed()
    {
        _emulator.State.SetFault(FaultMode.ServerError, count: 1, pathEndsWith: "/payment_intents", phase: FaultPhase.AfterExecution);
        await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(), Key("k-late-500")));

        var again = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(), Key("k-late-500")));
        _time.Advance(_emulator.State.SearchLag); // Search shows it only once its index caught up
        var found = await _intents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['payment_id']:'pay_test'" });

        Assert.Equal(HttpStatusCode.InternalServerError, again.HttpStatusCode);
        Assert.Equal("requires_confirmation", Assert.Single(found.Data).Status);
    }

    [Fact]
    public async Task RateLimited_Request_IsNotSavedUnderItsKey()
    {
        _emulator.State.SetFault(FaultMode.RateLimit, count: 1);
        var limited = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(), Key("k-429")));

        var created = await _intents.CreateAsync(Create(), Key("k-429"));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.HttpStatusCode);
        Assert.Equal("requires_confirmation", created.Status);
    }

    [Fact]
    public async Task CreateAsTheOldCodeDid_ThenConfirm_IsRefusedForTheMissingReturnUrl()
    {
        var created = await _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "usd", PaymentMethod = "pm_card_visa" });

        var ex = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" }));

        Assert.Equal(HttpStatusCode.BadRequest, ex.HttpStatusCode);
        Assert.Equal(("invalid_request_error", "return_url"), (ex.StripeError.Type, ex.StripeError.Param));
        Assert.StartsWith("A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard", ex.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal((true, "always"), (created.AutomaticPaymentMethods.Enabled, created.AutomaticPaymentMethods.AllowRedirects));
    }

    [Fact]
    public async Task Create_RedirectsOff_ConfirmsWithoutReturnUrl()
    {
        var created = await _intents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "usd",
            PaymentMethod = "pm_card_visa",
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
        });

        Assert.Equal("succeeded", (await _intents.ConfirmAsync(created.Id)).Status);
    }

    /// <summary>
    /// A declined confirm spends a PaymentMethod attached to no Customer: the intent drops it, confirming again
    /// without a new one is refused, and the spent method may not be used again, not even by the same intent.
    /// </summary>
    [Fact]
    public async Task Confirm_AfterARetryableDecline_NeedsANewPaymentMethod()
    {
        var created = await _intents.CreateAsync(Create("pm_card_chargeDeclinedProcessingError"));
        var declined = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id));
        var read = await _intents.GetAsync(created.Id);

        var again = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id));
        var reused = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions { PaymentMethod = created.PaymentMethodId }));

        Assert.Equal(("card_error", "processing_error"), (declined.StripeError.Type, declined.StripeError.Code));
        Assert.Equal(("requires_payment_method", null), (read.Status, read.PaymentMethodId));
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
        Assert.Contains("It may not be used again", reused.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal(0, _emulator.State.ChargesFor("pay_test"));
    }

    [Fact]
    public async Task PaymentMethodCreatedOnce_UsedByASecondIntent_IsRefused()
    {
        var methods = new PaymentMethodService(StripeNetClient.For(_emulator));
        var method = await methods.CreateAsync(new PaymentMethodCreateOptions { Type = "card", Card = new PaymentMethodCardOptions { Token = "tok_visa" } });
        var first = await _intents.CreateAsync(Create(method.Id));

        var ex = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(method.Id)));

        Assert.Equal(method.Id, first.PaymentMethodId);
        Assert.Equal((HttpStatusCode.BadRequest, "payment_method"), (ex.HttpStatusCode, ex.StripeError.Param));
        Assert.Contains("It may not be used again", ex.StripeError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestShortcut_UsedTwice_StandsForAFreshPaymentMethodEachTime()
    {
        var first = await _intents.CreateAsync(Create("pm_card_visa"));
        var second = await _intents.CreateAsync(Create("pm_card_visa"));

        Assert.StartsWith("pm_", first.PaymentMethodId, StringComparison.Ordinal);
        Assert.NotEqual("pm_card_visa", first.PaymentMethodId);
        Assert.NotEqual(first.PaymentMethodId, second.PaymentMethodId);
    }

    [Fact]
    public async Task StripeNet_SendsItsApiVersion_WhichTheEventsCarry()
    {
        await _intents.GetAsync((await _intents.CreateAsync(Create())).Id);

        Assert.Equal(StripeConfiguration.ApiVersion, _emulator.State.ApiVersion);
    }

    [Fact]
    public async Task Request_WithoutTestKey_Throws401()
    {
        var client = StripeNetClient.For(_emulator, "sk_live_nope");

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
