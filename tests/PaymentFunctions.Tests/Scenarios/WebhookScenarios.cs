using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PaymentFunctions.Tests.Infrastructure;
using Stripe;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class WebhookScenarios(AzuriteFixture azurite)
{
    private static string SucceededEvent(string paymentIntentId, string paymentId) => new JsonObject
    {
        ["id"] = "evt_test",
        ["object"] = "event",
        ["api_version"] = "2025-01-27.acacia",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["type"] = "payment_intent.succeeded",
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = paymentIntentId,
                ["object"] = "payment_intent",
                ["amount"] = 45600,
                ["currency"] = "usd",
                ["status"] = "succeeded",
                ["metadata"] = new JsonObject { ["payment_id"] = paymentId },
            },
        },
    }.ToJsonString();

    private static async Task<HttpResponseMessage> PostWebhookAsync(TestSystem system, string payload, string? signature)
    {
        using var client = new HttpClient { BaseAddress = system.Host.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add("Stripe-Signature", signature);
        }

        return await client.SendAsync(request);
    }

    private static async Task<(string PaymentId, string VendorReference)> ActionRequiredPaymentAsync(TestSystem system)
    {
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment("pm_card_authenticationRequired"));
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        var payment = await system.WaitForStatusAsync(paymentId, "action_required");
        return (paymentId, payment.GetProperty("vendorReference").GetString()!);
    }

    /// <summary>
    /// A retryable decline (processing_error) with webhooks on: the card was spent by the failed confirm, so the
    /// poster's 402 and the webhook's payment_intent.payment_failed both read as one decline — declined after one
    /// attempt, with the code and the hint that the member can pay again; no loop of confirms Stripe would refuse.
    /// </summary>
    [Fact]
    public async Task When_a_card_is_declined_with_a_retryable_code_and_webhooks_are_on_Should_decline_it_once_with_the_hint_to_pay_again()
    {
        await using var system = await TestSystem.StartAsync(azurite, webhooks: true);

        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment("pm_card_chargeDeclinedProcessingError"));
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        var payment = await system.WaitForStatusAsync(paymentId, "declined");
        await Poll.UntilAsync(() => Task.FromResult(system.Emulator.State.WebhooksDelivered), delivered => delivered >= 1, null, delivered => $"{delivered} webhooks delivered");

        var after = await system.GetPaymentAsync(paymentId);
        Assert.Equal(("declined", "processing_error", 1), (after.GetProperty("status").GetString(), after.GetProperty("declineCode").GetString(), after.GetProperty("attempts").GetInt32()));
        Assert.Contains("the member can pay again", after.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Single(system.Emulator.State.PaymentIntentsFor(paymentId));
        Assert.Equal(0, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_a_webhook_has_a_bad_or_missing_signature_Should_answer_400_and_change_nothing()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var (paymentId, vendorReference) = await ActionRequiredPaymentAsync(system);

        foreach (var signature in new[] { null, "t=1700000000,v1=0000000000000000000000000000000000000000000000000000000000000000", "garbage" })
        {
            using var response = await PostWebhookAsync(system, SucceededEvent(vendorReference, paymentId), signature);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"signature {signature ?? "(none)"}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal("action_required", (await system.GetPaymentAsync(paymentId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task When_a_webhook_is_signed_with_another_secret_Should_answer_400_and_change_nothing()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var (paymentId, vendorReference) = await ActionRequiredPaymentAsync(system);
        var payload = SucceededEvent(vendorReference, paymentId);

        using var response = await PostWebhookAsync(system, payload, EventUtility.GenerateSignatureHeader(payload, "whsec_someone_else", null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("action_required", (await system.GetPaymentAsync(paymentId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task When_a_signed_webhook_is_too_old_Should_answer_400()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var (paymentId, vendorReference) = await ActionRequiredPaymentAsync(system);
        var payload = SucceededEvent(vendorReference, paymentId);
        var tooOld = DateTimeOffset.UtcNow.AddSeconds(-400).ToUnixTimeSeconds();

        using var response = await PostWebhookAsync(system, payload, EventUtility.GenerateSignatureHeader(payload, system.Emulator.State.WebhookSecret, tooOld));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("action_required", (await system.GetPaymentAsync(paymentId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task When_the_member_authenticates_Should_receive_the_signed_webhook_and_move_action_required_to_posted()
    {
        await using var system = await TestSystem.StartAsync(azurite, webhooks: true);
        var (paymentId, _) = await ActionRequiredPaymentAsync(system);
        var nextActionUrl = (await system.GetPaymentAsync(paymentId)).GetProperty("nextActionUrl").GetString()!;

        using var browser = new HttpClient();
        using var authenticated = await browser.GetAsync(nextActionUrl);

        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        var posted = await system.WaitForStatusAsync(paymentId, "posted");
        Assert.True(posted.TryGetProperty("postedAt", out _));
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
        var last = (await system.Admin.GetFromJsonAsync<JsonElement>($"/api/payments/{paymentId}/history")).GetProperty("moves").EnumerateArray().Last();
        Assert.Equal(("action_required", "posted", "webhook"), (last.GetProperty("from").GetString(), last.GetProperty("to").GetString(), last.GetProperty("cause").GetString()));
        Assert.StartsWith("webhook:evt_", last.GetProperty("actor").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_webhook_is_lost_after_the_member_authenticates_Should_post_the_payment_at_the_next_check()
    {
        // No webhook reaches the system (as with a rotated secret or an endpoint down past Stripe's retries).
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["Posting:ActionCheckInterval"] = "00:00:01" });
        var (paymentId, _) = await ActionRequiredPaymentAsync(system);
        var nextActionUrl = (await system.GetPaymentAsync(paymentId)).GetProperty("nextActionUrl").GetString()!;

        using var browser = new HttpClient();
        using var authenticated = await browser.GetAsync(nextActionUrl);

        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        await system.WaitForStatusAsync(paymentId, "posted", TimeSpan.FromSeconds(30));
        Assert.Equal(0, system.Emulator.State.WebhooksDelivered);
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_the_member_never_authenticates_Should_cancel_the_intent_and_fail_the_payment_after_the_timeout()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Posting:ActionCheckInterval"] = "00:00:01",
            ["Posting:ActionRequiredTimeout"] = "00:00:03",
        });
        var (paymentId, _) = await ActionRequiredPaymentAsync(system);
        var nextActionUrl = (await system.GetPaymentAsync(paymentId)).GetProperty("nextActionUrl").GetString()!;

        var failed = await system.WaitForStatusAsync(paymentId, "failed", TimeSpan.FromSeconds(30));
        using var browser = new HttpClient();
        using var tooLate = await browser.GetAsync(nextActionUrl);

        Assert.Contains("did not authenticate within 00:00:03", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("canceled", Assert.Single(system.Emulator.State.PaymentIntentsFor(paymentId)).Status);
        Assert.NotEqual(HttpStatusCode.OK, tooLate.StatusCode);
        Assert.Equal(0, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_a_valid_webhook_names_an_unknown_payment_Should_answer_200_ignored()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var payload = SucceededEvent("pi_unknown", "pay_0123456789abcdef0123456789abcdef");

        using var response = await PostWebhookAsync(system, payload, EventUtility.GenerateSignatureHeader(payload, system.Emulator.State.WebhookSecret, null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
    }
}
