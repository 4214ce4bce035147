using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using Stripe;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>
/// Our books against Stripe's: <c>POST /api/ops/reconciliations</c> for a window, run from queue
/// <c>reconciliations</c>, the report at <c>GET /api/ops/reconciliations/{id}</c>.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class ReconciliationScenarios(AzuriteFixture azurite)
{
    [Fact]
    public async Task When_Stripe_charged_a_payment_our_books_call_failed_Should_show_it_in_the_next_reconciliation()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var from = DateTimeOffset.UtcNow.AddSeconds(-2);
        var posted = await SubmitAsync(system, TestSystem.Payment());
        var declined = await SubmitAsync(system, TestSystem.Payment("pm_card_chargeDeclined"));
        var voidInvoice = system.Emulator.State.SeedInvoice(null, 45600, status: "void");
        var failed = await SubmitAsync(system, new { memberId = "M-1001", amount = 45600, currency = "usd", paymentMethodId = "pm_card_visa", invoiceId = voidInvoice.Id });
        var openInvoice = system.Emulator.State.SeedInvoice(null, 45600);
        var invoicePaid = await SubmitAsync(system, new { memberId = "M-1001", amount = 45600, currency = "usd", paymentMethodId = "pm_card_visa", invoiceId = openInvoice.Id });
        await system.WaitForStatusAsync(posted, "posted");
        await system.WaitForStatusAsync(invoicePaid, "posted");
        await system.WaitForStatusAsync(declined, "declined");
        await system.WaitForStatusAsync(failed, "failed");

        // Someone charges the failed payment at Stripe by hand (the Dashboard), and an intent that is none of ours. (The
        // card that paid the invoice was charged through Stripe's own intent of the invoice: listed, not a mismatch.)
        var byHand = await ChargeAsync(system, new() { ["payment_id"] = failed });
        var foreign = await ChargeAsync(system, []);
        var to = DateTimeOffset.UtcNow;

        using var response = await system.Admin.PostAsJsonAsync("/api/ops/reconciliations", new { from, to });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = queued.GetProperty("reconciliationId").GetString()!;
        Assert.Equal(("queued", $"/api/ops/reconciliations/{id}"), (queued.GetProperty("status").GetString(), response.Headers.Location?.OriginalString));
        var report = await Poll.UntilAsync(
            () => system.Admin.GetFromJsonAsync<JsonElement>($"/api/ops/reconciliations/{id}"),
            r => r.GetProperty("status").GetString() is "complete" or "failed",
            TimeSpan.FromSeconds(60),
            r => $"not done: {r}");

        Assert.Equal("complete", report.GetProperty("status").GetString());
        var summary = report.GetProperty("summary");
        Assert.Equal((5, 4, 1, 2, 2, 2), (summary.GetProperty("stripeIntents").GetInt32(), summary.GetProperty("stripeSucceeded").GetInt32(), summary.GetProperty("stripeInvoicesPaid").GetInt32(), summary.GetProperty("matched").GetInt32(), summary.GetProperty("oursPosted").GetInt32(), summary.GetProperty("mismatches").GetInt32()));
        var mismatches = report.GetProperty("mismatches").EnumerateArray().ToDictionary(m => m.GetProperty("kind").GetString()!);
        Assert.Equal(["charged-not-posted", "unknown-intent"], mismatches.Keys.Order(StringComparer.Ordinal));
        var worst = mismatches["charged-not-posted"];
        Assert.Equal((failed, byHand.Id, "succeeded", "failed", 45600L), (worst.GetProperty("paymentId").GetString(), worst.GetProperty("stripeObject").GetString(), worst.GetProperty("stripeStatus").GetString(), worst.GetProperty("ourStatus").GetString(), worst.GetProperty("stripeAmount").GetInt64()));
        Assert.Equal(foreign.Id, mismatches["unknown-intent"].GetProperty("stripeObject").GetString());
        Assert.Equal(1, summary.GetProperty("byKind").GetProperty("charged-not-posted").GetInt32());

        var listed = await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/reconciliations");
        Assert.Equal(id, listed.GetProperty("reconciliations")[0].GetProperty("reconciliationId").GetString());
        Assert.Contains(await AuditReader.SinceAsync(system.Service<PaymentIntake.Operations.AuditLog>(), from), e => e.Action == "reconcile" && e.Details.StartsWith(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_window_is_not_one_Should_refuse_it_naming_the_field_and_queue_nothing()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var now = DateTimeOffset.UtcNow;

        using var future = await system.Admin.PostAsJsonAsync("/api/ops/reconciliations", new { from = now.AddHours(-1), to = now.AddHours(1) });
        using var backwards = await system.Admin.PostAsJsonAsync("/api/ops/reconciliations", new { from = now.AddHours(-1), to = now.AddHours(-2) });
        using var missing = await system.Admin.PostAsJsonAsync("/api/ops/reconciliations", new { to = now });
        using var tooLong = await system.Admin.PostAsJsonAsync("/api/ops/reconciliations", new { from = now.AddDays(-40), to = now });
        using var intake = await system.Client.PostAsJsonAsync("/api/ops/reconciliations", new { from = now.AddHours(-1), to = now });
        using var unknown = await system.Admin.GetAsync("/api/ops/reconciliations/rec_none");

        foreach (var (refused, field) in new[] { (future, "to"), (backwards, "from"), (missing, "from"), (tooLong, "to") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.NotFound), (intake.StatusCode, unknown.StatusCode));
        Assert.Empty((await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/reconciliations")).GetProperty("reconciliations").EnumerateArray());
    }

    private static async Task<string> SubmitAsync(TestSystem system, object body)
    {
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
    }

    private static async Task<PaymentIntent> ChargeAsync(TestSystem system, Dictionary<string, string> metadata)
    {
        var intent = await system.StripeIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 45600, Currency = "usd", PaymentMethod = "pm_card_visa", AllowedPaymentMethodTypes = ["card"], Metadata = metadata });
        return await system.StripeIntents.ConfirmAsync(intent.Id);
    }
}
