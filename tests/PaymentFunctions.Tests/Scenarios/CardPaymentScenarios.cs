using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using StripeEmulator;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class CardPaymentScenarios(AzuriteFixture azurite)
{
    private static string NewKey() => Guid.NewGuid().ToString();

    [Fact]
    public async Task When_a_valid_payment_is_submitted_Should_answer_202_and_post_it_once()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await system.SubmitAsync(NewKey(), TestSystem.Payment());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        var paymentId = receipt.GetProperty("paymentId").GetString()!;
        Assert.Equal($"/api/payments/{paymentId}", response.Headers.Location?.OriginalString);
        Assert.Equal("accepted", receipt.GetProperty("status").GetString());
        Assert.Equal(45600, receipt.GetProperty("amount").GetInt64());
        Assert.Equal("usd", receipt.GetProperty("currency").GetString());
        Assert.Equal("M-1001", receipt.GetProperty("memberId").GetString());
        Assert.Equal($"/api/payments/{paymentId}", receipt.GetProperty("statusUrl").GetString());
        Assert.True(receipt.GetProperty("acceptedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);

        var posted = await system.WaitForStatusAsync(paymentId, "posted");
        var vendorReference = posted.GetProperty("vendorReference").GetString()!;
        Assert.StartsWith("pi_", vendorReference, StringComparison.Ordinal);
        Assert.Equal("succeeded", system.Emulator.State.FindPaymentIntent(vendorReference)?.Status);
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
        Assert.Equal(1, posted.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task When_the_same_key_and_body_are_replayed_Should_return_the_same_receipt_and_charge_once()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var key = NewKey();

        using var first = await system.SubmitAsync(key, TestSystem.Payment());
        var receipt = await first.Content.ReadFromJsonAsync<JsonElement>();
        var paymentId = receipt.GetProperty("paymentId").GetString()!;
        await system.WaitForStatusAsync(paymentId, "posted");
        using var again = await system.SubmitAsync(key, TestSystem.Payment());
        var replayed = await again.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(paymentId, replayed.GetProperty("paymentId").GetString());
        Assert.Equal(receipt.GetProperty("acceptedAt").GetDateTimeOffset(), replayed.GetProperty("acceptedAt").GetDateTimeOffset());
        Assert.Equal("posted", replayed.GetProperty("status").GetString());
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_the_same_key_is_submitted_concurrently_Should_create_one_payment_and_charge_once()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => system.SubmitAsync(key, TestSystem.Payment())));
        var receipts = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var paymentId = Assert.Single(receipts.Select(r => r.GetProperty("paymentId").GetString()).Distinct());
        Assert.Single(receipts.Select(r => r.GetProperty("acceptedAt").GetDateTimeOffset()).Distinct());
        await system.WaitForStatusAsync(paymentId!, "posted");
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId!));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task When_the_same_key_comes_with_another_body_Should_answer_422_problem()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var key = NewKey();
        using var first = await system.SubmitAsync(key, TestSystem.Payment(amount: 45600));

        using var second = await system.SubmitAsync(key, TestSystem.Payment(amount: 99));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/idempotency-key-reused", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_card_is_declined_Should_record_declined_and_neither_retry_nor_poison()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await system.SubmitAsync(NewKey(), TestSystem.Payment("pm_card_chargeDeclined"));
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;

        var declined = await system.WaitForStatusAsync(paymentId, "declined");
        Assert.Equal("generic_decline", declined.GetProperty("declineCode").GetString());
        Assert.Equal(1, declined.GetProperty("attempts").GetInt32());
        Assert.Equal(0, system.Emulator.State.ChargesFor(paymentId));
        // The pump deletes the message just after the row is final: wait for that, then nothing may be left or poisoned.
        await system.WaitForQueueEmptyAsync();
        Assert.Equal(0, (await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task When_authentication_is_required_Should_be_action_required_with_the_next_action_url()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await system.SubmitAsync(NewKey(), TestSystem.Payment("pm_card_authenticationRequired"));
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;

        var payment = await system.WaitForStatusAsync(paymentId, "action_required");
        Assert.Contains("/_emulator/authenticate/pi_", payment.GetProperty("nextActionUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_the_vendor_fails_a_few_times_Should_absorb_the_failures_and_post_once()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        // Only the create call fails, so the vendor probe timer cannot take one of the faults and open the circuit.
        system.Emulator.State.SetFault(FaultMode.ServerError, count: 3, pathEndsWith: "/payment_intents");

        using var response = await system.SubmitAsync(NewKey(), TestSystem.Payment());
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;

        var posted = await system.WaitForStatusAsync(paymentId, "posted");
        Assert.Equal(3, system.Emulator.State.FaultsServed);
        Assert.Equal(1, posted.GetProperty("attempts").GetInt32());
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_the_vendor_stays_down_Should_keep_the_payment_waiting_and_post_it_once_when_it_returns()
    {
        // No probe timer here: every fault served is one the payment itself ran into.
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:Timers:ProbeVendor"] = "01:00:00" });
        system.Emulator.State.SetFault(FaultMode.ServerError);

        using var response = await system.SubmitAsync(NewKey(), TestSystem.Payment());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;

        var waiting = await system.WaitForPaymentAsync(paymentId, p => p.GetProperty("attempts").GetInt32() >= 2 && p.GetProperty("status").GetString() == "accepted");
        // The failed vendor answers open the shared circuit, so the latest error is the vendor's 500 or the open
        // circuit that followed it, depending on which came last.
        var lastError = waiting.GetProperty("lastError").GetString()!;
        Assert.True(lastError.Contains("500", StringComparison.Ordinal) || lastError.Contains("circuit is open", StringComparison.Ordinal), lastError);
        Assert.True(system.Emulator.State.FaultsServed >= 1);
        Assert.True(waiting.TryGetProperty("nextAttemptAt", out _));

        system.Emulator.State.SetFault(FaultMode.None);
        await system.WaitForStatusAsync(paymentId, "posted");
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
        Assert.Equal(0, (await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison")).GetProperty("total").GetInt32());
    }
}
