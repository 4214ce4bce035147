using System.Net;
using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace StripeEmulator.Tests;

/// <summary>
/// ConfirmationTokens as docs.stripe.com/api/confirmation_tokens describes them: created by Stripe.js (in test mode by the
/// test helper), used by the server to confirm one PaymentIntent, expiring.
/// </summary>
public sealed class ConfirmationTokenTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private StripeEmulatorServer _emulator = null!;
    private PaymentIntentService _intents = null!;
    private Stripe.TestHelpers.ConfirmationTokenService _tokens = null!;

    public async Task InitializeAsync()
    {
        _emulator = await StripeEmulatorServer.StartAsync(timeProvider: _time);
        _emulator.State.Limits.Lift(); // the clock is fake: buckets would never refill
        var client = StripeNetClient.For(_emulator);
        _intents = new PaymentIntentService(client);
        _tokens = new Stripe.TestHelpers.ConfirmationTokenService(client);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private Task<PaymentIntent> CreateWithoutMethodAsync() => _intents.CreateAsync(new PaymentIntentCreateOptions
    {
        Amount = 1000,
        Currency = "usd",
        AllowedPaymentMethodTypes = ["card"],
        Metadata = new Dictionary<string, string> { ["payment_id"] = "pay_ct" },
    });

    [Fact]
    public async Task Confirm_WithAToken_ChargesTheCardItCarries_AndTheTokenNamesTheIntent()
    {
        var token = await _tokens.CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethod = "pm_card_visa" });
        var created = await CreateWithoutMethodAsync();

        var confirmed = await _intents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions { ConfirmationToken = token.Id });

        Assert.StartsWith("ctoken_", token.Id, StringComparison.Ordinal);
        Assert.Equal(token.Created.AddHours(12), token.ExpiresAt);
        Assert.Equal("requires_payment_method", created.Status);
        Assert.Equal("succeeded", confirmed.Status);
        Assert.StartsWith("pm_", confirmed.PaymentMethodId, StringComparison.Ordinal);
        Assert.Equal(1, _emulator.State.ChargesFor("pay_ct"));
        Assert.Equal(created.Id, _emulator.State.FindConfirmationToken(token.Id)!.PaymentIntent);
    }

    [Fact]
    public async Task Confirm_WithATokenUsedBefore_IsRefused_EvenAfterItWasDeclined()
    {
        var declining = await _tokens.CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethod = "pm_card_chargeDeclinedProcessingError" });
        var created = await CreateWithoutMethodAsync();

        var declined = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions { ConfirmationToken = declining.Id }));
        var again = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions { ConfirmationToken = declining.Id }));
        var elsewhere = await Assert.ThrowsAsync<StripeException>(async () => await _intents.ConfirmAsync((await CreateWithoutMethodAsync()).Id, new PaymentIntentConfirmOptions { ConfirmationToken = declining.Id }));

        Assert.Equal((HttpStatusCode.PaymentRequired, "processing_error"), (declined.HttpStatusCode, declined.StripeError.Code));
        Assert.All([again, elsewhere], ex => Assert.Equal((HttpStatusCode.BadRequest, "confirmation_token"), (ex.HttpStatusCode, ex.StripeError.Param)));
        Assert.Equal(0, _emulator.State.ChargesFor("pay_ct"));
    }

    [Fact]
    public async Task Confirm_WithAnExpiredOrUnknownToken_IsRefused()
    {
        var token = await _tokens.CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethod = "pm_card_visa" });
        var fromData = await Assert.ThrowsAsync<StripeException>(() => _tokens.CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethodData = new Stripe.TestHelpers.ConfirmationTokenPaymentMethodDataOptions { Type = "card" } }));
        var created = await CreateWithoutMethodAsync();
        _time.Advance(TimeSpan.FromHours(12));

        var expired = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions { ConfirmationToken = token.Id }));
        var unknown = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions { ConfirmationToken = "ctoken_nosuch" }));

        Assert.Equal((HttpStatusCode.BadRequest, "payment_method"), (fromData.HttpStatusCode, fromData.StripeError.Param));
        Assert.Equal((HttpStatusCode.BadRequest, "confirmation_token"), (expired.HttpStatusCode, expired.StripeError.Param));
        Assert.Contains("expired", expired.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal(("resource_missing", "confirmation_token"), (unknown.StripeError.Code, unknown.StripeError.Param));
    }
}
