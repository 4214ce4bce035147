using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Payments;
using PaymentIntake.Webhooks;
using Stripe;

namespace PaymentFunctions.Tests.Services;

/// <summary>The webhook handler alone, with signed events, on a clock of the test's.</summary>
[Collection(EndToEnd.Name)]
public sealed class StripeWebhookHandlerTests(AzuriteFixture azurite)
{
    private static string Event(string type, string paymentId, string intentId = "pi_hook") => new JsonObject
    {
        ["id"] = "evt_" + Guid.NewGuid().ToString("N"),
        ["object"] = "event",
        ["api_version"] = "2025-01-27.acacia",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["type"] = type,
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = intentId,
                ["object"] = "payment_intent",
                ["amount"] = 45600,
                ["currency"] = "usd",
                // The intent as it was when the event happened, as Stripe sends it.
                ["status"] = type switch { "payment_intent.succeeded" => "succeeded", "payment_intent.canceled" => "canceled", _ => "requires_payment_method" },
                ["metadata"] = new JsonObject { ["payment_id"] = paymentId },
                ["last_payment_error"] = type == "payment_intent.payment_failed"
                    ? new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "insufficient_funds", ["message"] = "Your card has insufficient funds." }
                    : null,
            },
        },
    }.ToJsonString();

    private static string Sign(CoreServices core, string payload, DateTimeOffset at) =>
        EventUtility.GenerateSignatureHeader(payload, core.Emulator.State.WebhookSecret, at.ToUnixTimeSeconds());

    [Theory]
    [InlineData("payment_intent.succeeded", PaymentStatus.Posted)]
    [InlineData("payment_intent.payment_failed", PaymentStatus.Declined)]
    [InlineData("payment_intent.canceled", PaymentStatus.Failed)]
    public async Task HandleAsync_EachEventType_MovesAnActionRequiredPayment(string type, string status)
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var card = Rows.Card(status: PaymentStatus.ActionRequired);
        card.VendorReference = "pi_hook"; // action_required always names its intent
        var row = await core.InsertAsync(card);
        var payload = Event(type, row.PaymentId);

        var result = await core.Get<StripeWebhookHandler>().HandleAsync(payload, Sign(core, payload, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(WebhookResult.Applied, result);
        var after = await core.ReadAsync(row.PaymentId);
        Assert.Equal((status, "pi_hook"), (after.Status, after.VendorReference));
        Assert.Equal(status == PaymentStatus.Posted, after.PostedAt is not null);
        Assert.Equal(status == PaymentStatus.Declined ? "insufficient_funds" : null, after.DeclineCode);
    }

    [Fact]
    public async Task HandleAsync_SameEventTwice_AppliesOnceAndCountsOnce()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.ActionRequired));
        var payload = Event("payment_intent.succeeded", row.PaymentId);
        var handler = core.Get<StripeWebhookHandler>();

        var first = await handler.HandleAsync(payload, Sign(core, payload, DateTimeOffset.UtcNow), CancellationToken.None);
        var postedAt = (await core.ReadAsync(row.PaymentId)).PostedAt;
        var second = await handler.HandleAsync(payload, Sign(core, payload, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal((WebhookResult.Applied, WebhookResult.Ignored), (first, second));
        Assert.Equal(postedAt, (await core.ReadAsync(row.PaymentId)).PostedAt);
        var counts = await core.Get<StatusCounters>().SumAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(1, counts[PaymentStatus.Posted]);
    }

    [Fact]
    public async Task HandleAsync_EventTheStateMachineRefuses_IsIgnoredAndChangesNothing()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.Posted));
        var payload = Event("payment_intent.payment_failed", row.PaymentId);

        var result = await core.Get<StripeWebhookHandler>().HandleAsync(payload, Sign(core, payload, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(WebhookResult.Ignored, result);
        var after = await core.ReadAsync(row.PaymentId);
        Assert.Equal((PaymentStatus.Posted, null), (after.Status, after.DeclineCode));
    }

    [Theory]
    [InlineData(300, WebhookResult.Applied)]
    [InlineData(301, WebhookResult.InvalidSignature)]
    public async Task HandleAsync_SignatureAge_AcceptedUpToTheTolerance(int ageSeconds, WebhookResult expected)
    {
        var signedAt = DateTimeOffset.UtcNow;
        var time = new FakeTimeProvider(signedAt.AddSeconds(ageSeconds));
        await using var core = await CoreServices.StartAsync(azurite, time: time);
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.ActionRequired));
        var payload = Event("payment_intent.succeeded", row.PaymentId);

        var result = await core.Get<StripeWebhookHandler>().HandleAsync(payload, Sign(core, payload, signedAt), CancellationToken.None);

        Assert.Equal(expected, result);
        Assert.Equal(expected == WebhookResult.Applied ? PaymentStatus.Posted : PaymentStatus.ActionRequired, (await core.ReadAsync(row.PaymentId)).Status);
    }
}
