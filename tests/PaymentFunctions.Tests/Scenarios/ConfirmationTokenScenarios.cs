using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using Stripe;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>
/// The front end's recommended flow: Stripe.js creates a ConfirmationToken (here the test helper does, as in Stripe's
/// test mode), intake takes <c>confirmationTokenId</c>, the poster creates the intent and confirms it with the token.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class ConfirmationTokenScenarios(AzuriteFixture azurite)
{
    private static async Task<string> TokenAsync(TestSystem system, string card)
    {
        var client = new StripeClient("sk_test_frontend", httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: system.Emulator.BaseUrl.ToString().TrimEnd('/'));
        return (await new Stripe.TestHelpers.ConfirmationTokenService(client).CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethod = card })).Id;
    }

    private static async Task<string> SubmitAsync(TestSystem system, string token)
    {
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), new { memberId = "M-2001", amount = 45600, currency = "usd", confirmationTokenId = token });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
    }

    [Fact]
    public async Task When_a_payment_comes_with_a_ConfirmationToken_Should_post_it_confirming_with_the_token()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var token = await TokenAsync(system, "pm_card_visa");

        var paymentId = await SubmitAsync(system, token);
        var posted = await system.WaitForStatusAsync(paymentId, "posted");

        var intent = Assert.Single(system.Emulator.State.PaymentIntentsFor(paymentId));
        Assert.Equal(intent.Id, posted.GetProperty("vendorReference").GetString());
        Assert.Equal(intent.Id, system.Emulator.State.FindConfirmationToken(token)!.PaymentIntent);
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
        Assert.Equal(1, posted.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task When_a_ConfirmationToken_card_is_declined_asking_to_try_again_Should_end_declined_in_one_attempt_with_the_hint()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var token = await TokenAsync(system, "pm_card_chargeDeclinedProcessingError");

        var paymentId = await SubmitAsync(system, token);
        var declined = await system.WaitForStatusAsync(paymentId, "declined");

        Assert.Equal("processing_error", declined.GetProperty("declineCode").GetString());
        Assert.Contains("pay again", declined.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, declined.GetProperty("attempts").GetInt32());
        Assert.Equal(0, system.Emulator.State.ChargesFor(paymentId));
    }
}
