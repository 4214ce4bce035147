using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Posting.Circuit;
using StripeEmulator;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class VendorOutageScenarios(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int RatePerSecond = 40;

    [Fact]
    public async Task When_the_vendor_is_down_while_300_payments_arrive_Should_accept_all_and_post_each_once_after_recovery()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Posting:VendorRatePerSecond"] = RatePerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Posting:RetryLaterBaseDelay"] = "00:00:01",
            ["Posting:RetryLaterMaxDelay"] = "00:00:05",
            ["Posting:CircuitBreakDuration"] = "00:00:01",
        });
        var state = system.Emulator.State;
        state.RateLimitPerSecond = 50;
        state.SetFault(FaultMode.ServerError);
        var outageStarted = DateTime.UtcNow;

        var receipts = new List<string>();
        foreach (var chunk in Enumerable.Range(0, 300).Chunk(20))
        {
            var responses = await Task.WhenAll(chunk.Select(i => system.SubmitAsync($"outage-{i}-{system.Prefix}", TestSystem.Payment(memberId: $"M-{i}"))));
            foreach (var response in responses)
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                receipts.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!);
                response.Dispose();
            }
        }

        await system.WaitForVendorStateAsync("down"); // the outage lasts until the app has seen it: the circuit is open
        output.WriteLine($"vendor down after {(DateTime.UtcNow - outageStarted).TotalSeconds:0.0} s of outage");

        var requestsDuringOutage = state.Requests;
        state.SetFault(FaultMode.None);

        foreach (var paymentId in receipts)
        {
            await system.WaitForStatusAsync(paymentId, "posted", TimeSpan.FromSeconds(60));
        }

        output.WriteLine($"requests during outage: {requestsDuringOutage}; after: {state.Requests - requestsDuringOutage}; max/s: {state.MaxRequestsPerSecond}; 429s: {state.RateLimited}");
        Assert.Equal(300, receipts.Distinct().Count());
        Assert.All(receipts, id => Assert.Equal(1, state.ChargesFor(id)));
        Assert.True(requestsDuringOutage < 300, $"The vendor got {requestsDuringOutage} requests during the outage: less than one per payment expected.");
        Assert.Equal(0, state.RateLimited);
        // Arrivals are counted when the emulator's handler runs, so a scheduling stall on this 2-core machine can bunch
        // requests that left evenly; the vendor's own limit (50/s, never hit: no 429) is the hard bound.
        Assert.True(state.MaxRequestsPerSecond <= RatePerSecond * 5 / 4, $"The vendor saw {state.MaxRequestsPerSecond} requests in one second; the rate is {RatePerSecond}/s.");
        Assert.Equal(0, (await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task When_20_payments_always_fail_at_the_vendor_among_200_good_ones_Should_post_the_good_ones_with_the_circuit_closed_and_poison_the_bad_ones()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var state = system.Emulator.State;
        // A 500 that follows some payments (as the NUL description once did), not the vendor: every create for them fails.
        state.SetFault(FaultMode.ServerError, match: ("metadata[member_id]", "BAD-"));
        var circuit = system.Service<VendorCircuitStore>();
        using var sampling = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        var sampler = Task.Run(async () =>
        {
            // The circuit stays open at least CircuitBreakDuration (0.5 s): sampled every 50 ms, an opening cannot hide.
            while (!sampling.IsCancellationRequested)
            {
                seen.Add((await circuit.GetAsync(CancellationToken.None)).State);
                await Task.Delay(50, CancellationToken.None);
            }
        });

        var good = new List<string>();
        var bad = new List<string>();
        foreach (var chunk in Enumerable.Range(0, 220).Chunk(22))
        {
            var responses = await Task.WhenAll(chunk.Select(i => system.SubmitAsync($"own-{i}-{system.Prefix}", TestSystem.Payment(memberId: i % 11 == 5 ? $"BAD-{i}" : $"M-{i}"))));
            foreach (var (i, response) in chunk.Zip(responses))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                (i % 11 == 5 ? bad : good).Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!);
                response.Dispose();
            }
        }

        foreach (var paymentId in good)
        {
            await system.WaitForStatusAsync(paymentId, "posted", TimeSpan.FromSeconds(60));
        }

        var poisoned = await system.WaitForPoisonAsync(bad.Count, TimeSpan.FromSeconds(60));
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal((200, 20), (good.Count, bad.Count));
        Assert.All(good, id => Assert.Equal(1, state.ChargesFor(id)));
        Assert.All(bad, id => Assert.Equal(0, state.ChargesFor(id)));
        Assert.Equal([CircuitState.Closed], seen.Distinct());
        Assert.Equal(bad.Order(StringComparer.Ordinal), poisoned.Select(p => p.GetProperty("paymentId").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(poisoned, p => Assert.Equal("vendor_fails_payment", p.GetProperty("reason").GetString()));
        foreach (var paymentId in bad)
        {
            var failed = await system.WaitForStatusAsync(paymentId, "failed");
            Assert.StartsWith("vendor_fails_payment", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task When_the_vendor_stays_down_past_the_maximum_age_Should_fail_the_payment_and_poison_it_as_vendor_unavailable()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["Posting:MaxPostingAge"] = "00:00:02" });
        system.Emulator.State.SetFault(FaultMode.ServerError);

        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;

        var failed = await system.WaitForStatusAsync(paymentId, "failed");
        Assert.StartsWith("vendor_unavailable", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var poisoned = Assert.Single(await system.WaitForPoisonAsync(1));
        Assert.Equal(paymentId, poisoned.GetProperty("paymentId").GetString());
        Assert.Equal("vendor_unavailable", poisoned.GetProperty("reason").GetString());
        Assert.Equal(0, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_the_same_message_is_delivered_several_times_at_once_Should_charge_once()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var row = await system.InsertRowAsync(Guid.NewGuid().ToString());

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => system.SendMessageAsync(row.PaymentId)));

        await system.WaitForStatusAsync(row.PaymentId, "posted");
        await system.WaitForQueueEmptyAsync();
        Assert.Equal(1, system.Emulator.State.ChargesFor(row.PaymentId));
    }

    [Fact]
    public async Task When_idempotency_keys_have_expired_and_a_confirm_answer_is_lost_Should_still_charge_once()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        system.Emulator.State.IdempotencyKeyLifetime = TimeSpan.Zero;
        system.Emulator.State.SetFault(FaultMode.DropResponse, count: 1, pathEndsWith: "/confirm");

        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;

        await system.WaitForStatusAsync(paymentId, "posted");
        Assert.Equal(1, system.Emulator.State.FaultsServed);
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_a_create_answer_is_lost_Should_retry_with_the_same_key_and_get_the_same_intent()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        system.Emulator.State.SetFault(FaultMode.DropResponse, count: 1, pathEndsWith: "/payment_intents");

        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;

        var posted = await system.WaitForStatusAsync(paymentId, "posted");
        var intents = system.Emulator.State.PaymentIntentsFor(paymentId);
        Assert.Equal(posted.GetProperty("vendorReference").GetString(), Assert.Single(intents).Id);
        Assert.Equal(1, system.Emulator.State.FaultsServed);
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }
}
