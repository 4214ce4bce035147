using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using StripeEmulator;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>Three instances of the app on one storage account and one vendor, as a scaled-out Functions app.</summary>
[Collection(EndToEnd.Name)]
public sealed class MultiInstanceScenarios(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int VendorLimit = 30;
    private const int OurRate = 24; // three instances at 8/s each: at most 9 each in any rolling second, 27 < 30
    private const int VendorEndpointLimit = 15;
    private const int OurEndpointRate = 12; // three instances at 4/s to each endpoint: create and confirm at 12/s each, 24/s in all

    private static Dictionary<string, string?> Settings => new()
    {
        ["Posting:VendorRatePerSecond"] = OurRate.ToString(CultureInfo.InvariantCulture),
        ["Posting:VendorEndpointRatePerSecond"] = OurEndpointRate.ToString(CultureInfo.InvariantCulture),
        ["Posting:RetryLaterBaseDelay"] = "00:00:00.500",
        ["Posting:RetryLaterMaxDelay"] = "00:00:02",
        ["Posting:CircuitBreakDuration"] = "00:00:00.500",
    };

    private static async Task<List<string>> SubmitAsync(TestSystem system, IEnumerable<IAppInstance> hosts, int perHost)
    {
        var ids = new List<string>();
        foreach (var host in hosts)
        {
            using var client = host.ClientFor("local-intake");
            for (var i = 0; i < perHost; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = JsonContent.Create(TestSystem.Payment(memberId: $"M-{ids.Count}")) };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!);
            }
        }

        return ids;
    }

    /// <summary>How many of <paramref name="ids"/> are in <paramref name="status"/> now.</summary>
    private static async Task<int> CountAsync(TestSystem system, IEnumerable<string> ids, string status) =>
        (await Task.WhenAll(ids.Select(id => system.GetPaymentAsync(id)))).Count(p => p.GetProperty("status").GetString() == status);

    [Fact]
    public async Task When_three_instances_drain_after_an_outage_Should_charge_each_payment_once_within_the_vendors_global_and_endpoint_limits()
    {
        await using var system = await TestSystem.StartAsync(azurite, Settings);
        await using var second = await system.StartPeerAsync();
        await using var third = await system.StartPeerAsync();
        var state = system.Emulator.State;
        state.RateLimitPerSecond = VendorLimit;
        state.Limits.EndpointPerSecond = VendorEndpointLimit;
        state.SetFault(FaultMode.ServerError);

        var ids = await SubmitAsync(system, [system.Host, second, third], perHost: 50);
        await system.WaitForVendorStateAsync("down");
        state.SetFault(FaultMode.None);

        foreach (var id in ids)
        {
            await system.WaitForStatusAsync(id, "posted", TimeSpan.FromSeconds(90));
        }

        output.WriteLine($"requests {state.Requests}, 429s {state.RateLimited}, most in one second {state.MaxRequestsPerSecond}");
        Assert.All(ids, id => Assert.Equal(1, state.ChargesFor(id)));
        // The hard bound is the vendor's own: no 429. Arrivals are counted when the emulator's handler runs, so a stall
        // of these two busy cores can bunch requests that left each instance's pacer evenly; allow a quarter for that,
        // and half on the real host, where three hosts and three workers share the two cores with the test (a run there
        // saw 38 in a rolling second with 0 × 429: the vendor's token bucket allows a burst up to its limit on top).
        Assert.Equal(0, state.RateLimited);
        var bunching = TestSystem.Kind == HostKind.Real ? 3.0 / 2 : 5.0 / 4;
        Assert.True(state.MaxRequestsPerSecond <= VendorLimit * bunching, $"The vendor saw {state.MaxRequestsPerSecond} requests in one second; its limit is {VendorLimit}.");
    }

    [Fact]
    public async Task When_one_of_three_instances_stops_mid_drain_Should_have_the_others_finish_every_payment()
    {
        await using var system = await TestSystem.StartAsync(azurite, Settings);
        await using var second = await system.StartPeerAsync();
        var third = await system.StartPeerAsync();
        var state = system.Emulator.State;
        state.SetFault(FaultMode.ServerError);
        var ids = await SubmitAsync(system, [system.Host, second, third], perHost: 30);
        await system.WaitForVendorStateAsync("down");

        state.SetFault(FaultMode.None);
        await Poll.UntilAsync(() => CountAsync(system, ids, "posted"), posted => posted >= 10, TimeSpan.FromSeconds(60), posted => $"Only {posted} posted before the stop.");
        await third.DisposeAsync();

        foreach (var id in ids)
        {
            await system.WaitForStatusAsync(id, "posted", TimeSpan.FromSeconds(90));
        }

        Assert.All(ids, id => Assert.Equal(1, state.ChargesFor(id)));
    }

    /// <summary>
    /// Issue 24: one of three instances killed mid-drain (SIGKILL on the real host) leaves payments claimed in
    /// <c>posting</c>. With a posting lease of ten minutes only its stopped heartbeat can free them: the others take
    /// them over within seconds and charge each payment once.
    /// </summary>
    [Fact]
    public async Task When_one_of_three_instances_is_killed_mid_drain_Should_take_over_its_claims_within_seconds_and_charge_each_payment_once()
    {
        var settings = new Dictionary<string, string?>(Settings) { ["Posting:PostingLease"] = "00:10:00" };
        await using var system = await TestSystem.StartAsync(azurite, settings);
        await using var second = await system.StartPeerAsync();
        await using var third = await system.StartPeerAsync();
        var state = system.Emulator.State;
        state.SetFault(FaultMode.ServerError);
        var ids = await SubmitAsync(system, [system.Host, second, third], perHost: 30);
        await system.WaitForVendorStateAsync("down");

        state.SetFault(FaultMode.None);
        await Poll.UntilAsync(() => CountAsync(system, ids, "posted"), posted => posted >= 10, TimeSpan.FromSeconds(60), posted => $"Only {posted} posted before the kill.");
        await third.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        var left = await CountAsync(system, ids, "posting");

        foreach (var id in ids)
        {
            await system.WaitForStatusAsync(id, "posted", TimeSpan.FromSeconds(90)); // well within the ten-minute lease
        }

        output.WriteLine($"{left} payments in posting at the kill; all posted {(DateTimeOffset.UtcNow - killedAt).TotalSeconds:F1} s after it");
        Assert.All(ids, id => Assert.Equal(1, state.ChargesFor(id)));
    }

    /// <summary>
    /// Issue 24's first finding, as a property at five instances: once the vendor is back, no payment waits out a
    /// backoff — with a production-like parked delay (minutes), every payment is posted within the drain, so each was
    /// woken and posted, none parked again. (The stale-cache path behind the run is pinned down by
    /// <c>VendorCircuitStoreTests</c>; this run did not hit it even without that fix.) Local only: five real hosts with
    /// their workers do not fit in the CI's time on two cores.
    /// </summary>
    [Fact]
    [Trait("Host", TestHosts.LocalOnly)]
    public async Task When_five_instances_drain_after_an_outage_Should_leave_no_payment_parked_behind_the_closed_circuit()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Posting:RetryLaterBaseDelay"] = "00:00:30",
            ["Posting:RetryLaterMaxDelay"] = "00:05:00", // a parked payment waits 3.75-5 min, as in production 7.5-10
            ["Posting:CircuitCacheTime"] = "00:00:05",
            ["Posting:CircuitBreakDuration"] = "00:00:30", // as in production: the timer's probe closes it, not the break's end
        };
        await using var system = await TestSystem.StartAsync(azurite, settings);
        var peers = new List<IAppInstance>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                peers.Add(await system.StartPeerAsync());
            }

            var state = system.Emulator.State;
            state.SetFault(FaultMode.ServerError);
            var ids = await SubmitAsync(system, [system.Host, .. peers], perHost: 30);
            await system.WaitForVendorStateAsync("down");
            state.SetFault(FaultMode.None);
            await system.WaitForVendorStateAsync("up");

            foreach (var id in ids)
            {
                // Well within a parked payment's 3.75 min: only a payment woken and posted meets this.
                await system.WaitForStatusAsync(id, "posted", TimeSpan.FromSeconds(60));
            }

            Assert.All(ids, id => Assert.Equal(1, state.ChargesFor(id)));
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    /// <summary>Local only: the local host's imitation of the host's timer lock; the real host's timers run each minute, under its own lock.</summary>
    [Fact]
    [Trait("Host", TestHosts.LocalOnly)]
    public async Task When_three_instances_run_the_same_timer_Should_run_each_occurrence_once()
    {
        var settings = new Dictionary<string, string?> { ["LocalHost:QueuePump"] = "false", ["LocalHost:Timers:ReconcilePayments"] = "01:00:00" };
        await using var system = await TestSystem.StartAsync(azurite, settings);
        await using var second = await system.StartPeerAsync();
        await using var third = await system.StartPeerAsync();
        var state = system.Emulator.State;
        var first = await Poll.UntilAsync(() => Task.FromResult(state.Requests), r => r >= 1, TimeSpan.FromSeconds(20), r => "The probe never ran.");
        var start = DateTime.UtcNow;

        // ProbeVendor runs every 0.5 s (one vendor request per run); three hosts without one-run-per-occurrence would triple it.
        var requests = await Poll.UntilAsync(() => Task.FromResult(state.Requests), r => r >= first + 8, TimeSpan.FromSeconds(30), r => $"Only {r} probes ran.");
        var occurrences = (DateTime.UtcNow - start).TotalSeconds / 0.5;

        Assert.True(requests - first <= occurrences + 2, $"{requests - first} probe runs in {occurrences:0.0} occurrences: more than one host ran an occurrence.");
    }
}
