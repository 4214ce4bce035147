using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Posting.Circuit;
using StripeEmulator;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>Stripe's documented limits in the emulator, and the app's own pacing by the key's mode: throttling is not an outage.</summary>
[Collection(EndToEnd.Name)]
public sealed class ThrottlingScenarios(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task When_Stripe_lowers_its_limits_mid_drain_Should_slow_down_and_post_everything_without_opening_the_circuit()
    {
        // The app's rates from its test key (a sandbox: 95 % of 25/s global and per endpoint), the emulator's Stripe's.
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Posting:VendorRatePerSecond"] = null,
            ["Posting:VendorEndpointRatePerSecond"] = null,
        });
        var state = system.Emulator.State;
        state.Limits.UseStripeDefaults();
        var circuit = system.Service<VendorCircuitStore>();
        using var sampling = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string State, int Failures)>();
        var sampler = Task.Run(async () =>
        {
            // The circuit stays open at least CircuitBreakDuration (0.5 s): sampled every 50 ms, an opening cannot hide.
            while (!sampling.IsCancellationRequested)
            {
                var now = await circuit.GetAsync(CancellationToken.None);
                seen.Add((now.State, now.ConsecutiveFailures));
                await Task.Delay(50, CancellationToken.None);
            }
        });

        var ids = new List<string>();
        foreach (var chunk in Enumerable.Range(0, 60).Chunk(15))
        {
            var responses = await Task.WhenAll(chunk.Select(i => system.SubmitAsync($"throttle-{i}-{system.Prefix}", TestSystem.Payment(memberId: $"M-{i}"))));
            foreach (var response in responses)
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!);
                response.Dispose();
            }
        }

        await Poll.UntilAsync(() => Task.FromResult(ids.Count(id => state.ChargesFor(id) > 0)), charged => charged >= 20, TimeSpan.FromSeconds(60), charged => $"Only {charged} charged at Stripe's full limits.");
        var limitedAtFullLimits = state.RateLimited;
        // Stripe lowers the account's limits to a quarter (it may: docs.stripe.com/rate-limits, "we might reduce your
        // limits"), below what even a busy real host sends: the app is throttled and must slow down.
        state.RateLimitPerSecond = 6;
        state.Limits.EndpointPerSecond = 6;

        foreach (var id in ids)
        {
            await system.WaitForStatusAsync(id, "posted", TimeSpan.FromSeconds(90));
        }

        await sampling.CancelAsync();
        await sampler;
        output.WriteLine($"requests {state.Requests}, 429s at full limits {limitedAtFullLimits}, after lowering {state.RateLimited - limitedAtFullLimits}, most in one second {state.MaxRequestsPerSecond}");
        Assert.All(ids, id => Assert.Equal(1, state.ChargesFor(id)));
        Assert.True(state.RateLimited > limitedAtFullLimits, "Stripe never throttled after lowering its limits: the app was not sending at its pace.");
        Assert.True(seen.All(s => s == (CircuitState.Closed, 0)), "The circuit was seen as " + string.Join(", ", seen.Distinct()));
        Assert.Equal("up", (await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/status")).GetProperty("vendor").GetProperty("state").GetString());
    }

    [Fact]
    public async Task When_Stripe_refuses_our_key_for_payments_Should_show_misconfigured_not_down_and_post_once_the_key_is_fixed()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var state = system.Emulator.State;
        // A restricted key without PaymentIntents write: the probe (Balance read) is answered, every create is refused.
        state.SetFault(FaultMode.PermissionError, pathEndsWith: "/v1/payment_intents");
        var circuit = system.Service<VendorCircuitStore>();

        var ids = new List<string>();
        for (var i = 0; i < 6; i++) // more than Posting:CircuitFailureThreshold (5)
        {
            using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment(memberId: $"M-{i}"));
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!);
        }

        var misconfigured = await system.WaitForVendorStateAsync("misconfigured");
        await Poll.UntilAsync(() => Task.FromResult(state.FaultsServed), served => served >= 6, TimeSpan.FromSeconds(30), served => $"Only {served} creates were refused.");
        var refused = await circuit.GetAsync(CancellationToken.None);
        state.SetFault(FaultMode.None);

        foreach (var id in ids)
        {
            await system.WaitForStatusAsync(id, "posted", TimeSpan.FromSeconds(60));
        }

        Assert.Equal((CircuitState.Closed, 0), (refused.State, refused.ConsecutiveFailures));
        Assert.NotEqual(JsonValueKind.Null, misconfigured.GetProperty("vendor").GetProperty("misconfiguredSince").ValueKind);
        Assert.All(ids, id => Assert.Equal(1, state.ChargesFor(id)));
        Assert.Equal("up", (await system.WaitForVendorStateAsync("up")).GetProperty("vendor").GetProperty("state").GetString());
    }
}
