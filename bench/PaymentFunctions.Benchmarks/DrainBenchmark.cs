using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.LocalHost;
using PaymentIntake.Payments;
using PaymentIntake.Storage;
using StripeEmulator;

namespace PaymentFunctions.Benchmarks;

/// <summary>
/// Accept N payments while the vendor is down, keep it down for the outage, restore it with Stripe's documented limits
/// (docs.stripe.com/rate-limits: global 100/s live or 25/s in a sandbox, 25/s per endpoint) and measure the drain
/// against the real limit: payments ÷ min(endpoint limit, global limit ÷ requests per payment), two requests per card
/// payment (create, then confirm by id). Optionally the limits drop to a quarter once a share of the payments is
/// posted, as Stripe may lower them. Counts the 429s and samples the vendor state operators see (never "down" from
/// throttling). The app runs on the chosen host with Azurite and the in-process emulator, at the rates its key's mode
/// gives (a test key: the sandbox's; "live" sets the live key's default, 95/s, since a live key needs https).
/// </summary>
internal static class DrainBenchmark
{
    public static async Task RunAsync(int payments, string limits, TimeSpan outage, int instances, double? lowerAt, BenchHostKind kind, TimeSpan? killAt = null)
    {
        var live = limits switch
        {
            "live" => true,
            "sandbox" => false,
            _ => throw new ArgumentException($"Limits must be live or sandbox, not '{limits}'.", nameof(limits)),
        };
        await using var azurite = await AzuriteProcess.StartAsync(accounts: 1);
        await using var vendor = await StripeEmulatorServer.StartAsync();
        var storage = azurite.ConnectionStringFor(azurite.Accounts[0]);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = storage,
            ["Stripe:ApiKey"] = "sk_test_bench",
            ["Stripe:ApiBase"] = vendor.BaseUrl.ToString(),
            ["Stripe:WebhookSecret"] = vendor.State.WebhookSecret,
            ["Stripe:ReturnUrl"] = "http://127.0.0.1/payments/return",
            ["PaymentIntake:IdSecret"] = "bench-payment-id-secret-of-at-least-32-characters",
            // A live key's default (95 % of 100/s); a test key's is the sandbox's (95 % of 25/s), left to the app.
            ["Posting:VendorRatePerSecond"] = live ? "95" : null,
            // The local host probes every 2 s here; the real host keeps the app's schedule (every minute), as on Azure.
            ["LocalHost:Timers:ProbeVendor"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Error",
            ["AzureFunctionsJobHost:logging:logLevel:default"] = "Warning",
        };
        await using var host = await BenchHost.StartAsync(kind, settings);
        var emulator = vendor.State;
        // More instances of the app on the same storage and vendor: they share the vendor's limits.
        var peers = new List<BenchHost>();
        for (var i = 1; i < instances; i++)
        {
            peers.Add(await BenchHost.StartAsync(kind, settings));
        }

        if (killAt is not null && peers.Count == 0)
        {
            throw new ArgumentException("--kill needs at least two instances: one is killed, the others drain.");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{instances} instance(s) of the app on the {(kind == BenchHostKind.Real ? "real Functions host" : "local host")}, Stripe's {limits} limits"));
        // Storage operations are counted in the app's process: only the local host's can be read from here.
        var metrics = host.Local?.App.Services.GetRequiredService<StorageMetrics>();
        var rows = new TableServiceClient(storage).GetTableClient("payments");
        using var client = host.ClientFor("local-intake", "intake");
        using var ops = host.ClientFor("local-ops", "operations");

        emulator.Limits.Lift(); // intake runs while every vendor call fails; the limits apply from the restore
        emulator.SetFault(FaultMode.ServerError);
        var outageClock = Stopwatch.StartNew();
        var queueOpsBefore = metrics?.QueueOperations ?? 0;
        var intake = await LoadResult.RunAsync(16, payments, async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments")
            {
                Content = JsonContent.Create(new { memberId = $"M-{i}", amount = 45600, currency = "usd", paymentMethodId = "pm_card_visa" }),
            };
            request.Headers.Add("Idempotency-Key", $"drain-{i}");
            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Console.WriteLine($"Payment {i}: intake answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            return response.StatusCode == HttpStatusCode.Accepted;
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accepted {payments - intake.Failures}/{payments} payments during the outage at {intake.PerSecond:F0}/s (p99 {intake.P99Ms:F0} ms)"));

        // Every accepted payment tried and parked (waiting with a next attempt), and the outage lasted its full length.
        var acceptedCount = payments - intake.Failures;
        while (await CountAsync(rows, r => r.Status == PaymentStatus.Accepted && r.NextAttemptAt is not null) < acceptedCount || outageClock.Elapsed < outage)
        {
            await Task.Delay(250);
        }

        var queueOpsDuringOutage = (metrics?.QueueOperations ?? 0) - queueOpsBefore;
        var vendorRequestsDuringOutage = emulator.Requests;
        var metCreate500 = await CountAsync(rows, r => r.CreateFailedAt is not null);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Outage of {outageClock.Elapsed.TotalSeconds:F0} s: {(metrics is null ? "queue operations not counted on the real host" : $"{queueOpsDuringOutage} queue operations ({(double)queueOpsDuringOutage / payments:F2} per payment)")}, {vendorRequestsDuringOutage} vendor requests ({(double)vendorRequestsDuringOutage / payments:F2} per payment), {metCreate500} payments met a create answered 500"));

        emulator.Limits.UseStripeDefaults();
        emulator.RateLimitPerSecond = live ? StripeRateLimiter.LiveGlobalLimit : StripeRateLimiter.SandboxGlobalLimit;
        var (globalLimit, endpointLimit) = (emulator.RateLimitPerSecond!.Value, emulator.Limits.EndpointPerSecond!.Value);
        var idealRate = Math.Min(endpointLimit, globalLimit / 2.0);
        emulator.SetFault(FaultMode.None);
        var rateLimitedBefore = emulator.RateLimited;
        var drain = Stopwatch.StartNew();
        var states = new HashSet<string>(StringComparer.Ordinal);
        TimeSpan? lowered = null;
        TimeSpan? upAt = null;
        TimeSpan? drainProper = null;
        TimeSpan? killed = null;
        var tailShown = false;
        var nextHeartbeatDump = TimeSpan.MaxValue;
        var (lastPosted, progressAt, stallShown) = (-1, TimeSpan.Zero, false);
        var parkedBehindClosed = 0;
        int posted;
        while ((posted = await CountAsync(rows, r => r.Status == PaymentStatus.Posted)) < acceptedCount)
        {
            if (killed is null && killAt is { } kill && upAt is { } drainStart && drain.Elapsed >= drainStart + kill)
            {
                killed = drain.Elapsed;
                await peers[^1].KillAsync(); // SIGKILL on the real host, mid-drain
            }

            if (upAt is { } back && drain.Elapsed - back > TimeSpan.FromSeconds(5))
            {
                // Issue 24: once the circuit has been closed a few refresh periods, nothing is parked again behind it
                // (a payment woken and still queued keeps its old next attempt until its message comes: not counted).
                var now = DateTimeOffset.UtcNow;
                var closedAt = now - (drain.Elapsed - back) + TimeSpan.FromSeconds(5);
                parkedBehindClosed = Math.Max(parkedBehindClosed, await CountAsync(rows, r => r.Status == PaymentStatus.Accepted && r.NextAttemptAt > now && r.UpdatedAt > closedAt));
            }

            var status = await ops.GetFromJsonAsync<JsonElement>("/api/ops/status");
            var state = status.GetProperty("vendor").GetProperty("state").GetString()!;
            upAt ??= state == "up" ? drain.Elapsed : null;
            if (upAt is not null)
            {
                states.Add(state); // from when the app saw the vendor back: never "down" again from throttling
            }
            if (lowered is null && lowerAt is { } share && posted >= payments * share)
            {
                lowered = drain.Elapsed;
                emulator.RateLimitPerSecond = globalLimit / 4; // Stripe may lower an account's limits (docs.stripe.com/rate-limits)
                emulator.Limits.EndpointPerSecond = endpointLimit / 4;
            }

            if (drainProper is null && posted >= acceptedCount - metCreate500)
            {
                drainProper = drain.Elapsed;
            }

            if (posted != lastPosted)
            {
                (lastPosted, progressAt) = (posted, drain.Elapsed);
            }

            var stalled = !stallShown && upAt is not null && posted > 0 && drain.Elapsed - progressAt > TimeSpan.FromSeconds(15);
            if (stalled)
            {
                // Nothing posted for 15 s with payments left: what every host logged of them and of failures.
                stallShown = true;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stalled: {acceptedCount - posted} unposted, nothing posted for 15 s"));
                foreach (var (each, i) in new[] { host }.Concat(peers).Select((h, i) => (h, i)))
                {
                    foreach (var line in each.LogTail(20_000).Split('\n').Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception", StringComparison.Ordinal) || l.Contains("stall", StringComparison.OrdinalIgnoreCase) || l.Contains("longer than", StringComparison.Ordinal)).TakeLast(15))
                    {
                        Console.WriteLine($"  host {i}: {line}");
                    }
                }
            }

            if ((!tailShown && drainProper is { } proper && drain.Elapsed - proper > TimeSpan.FromSeconds(10)) || (stalled && !tailShown))
            {
                // A tail: show what holds the payments still unposted 10 s after the rest.
                tailShown = true;
                await foreach (var row in rows.QueryAsync<PaymentRow>(r => r.RowKey == PaymentRow.PaymentRowKey && r.Status != PaymentStatus.Posted))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  tail: {row.PaymentId} {row.Status} attempts {row.Attempts} updated {row.UpdatedAt:HH:mm:ss} next {row.NextAttemptAt:HH:mm:ss} claimed by {row.ClaimedBy} createFailedAt {row.CreateFailedAt:HH:mm:ss} gen {row.CreateKeyGeneration} ref {row.VendorReference} error {row.LastError}"));
                }

                nextHeartbeatDump = drain.Elapsed;
            }

            if (drain.Elapsed >= nextHeartbeatDump)
            {
                // And the instances' heartbeats (rate shares, claims), every 30 s while the tail lasts.
                nextHeartbeatDump = drain.Elapsed + TimeSpan.FromSeconds(30);
                var beats = new TableServiceClient(storage).GetTableClient("vendorrate");
                await foreach (var e in beats.QueryAsync<TableEntity>(e => e.PartitionKey == "instances"))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  heartbeat at {DateTimeOffset.UtcNow:HH:mm:ss.f}: {e.RowKey} joined {e.GetDateTimeOffset("JoinedAt"):HH:mm:ss.f} seen {e.GetDateTimeOffset("SeenAt"):HH:mm:ss.f} idle {e.GetBoolean("Idle")} working [{e.GetString("Working")}]"));
                }
            }

            await Task.Delay(250);
        }

        drain.Stop();
        drainProper ??= drain.Elapsed;
        var vendorRequests = emulator.Requests - vendorRequestsDuringOutage;
        var ledger = emulator.Ledger();
        var ideal = acceptedCount / idealRate;
        ResultTable.Header();
        ResultTable.Row("payments", acceptedCount == payments ? (FormattableString)$"{payments}" : $"{acceptedCount} accepted of {payments} submitted");
        ResultTable.Row("instances", killed is { } k ? (FormattableString)$"{instances}, one killed {(k - upAt!.Value).TotalSeconds:F1} s into the drain ({(kind == BenchHostKind.Real ? "SIGKILL" : "in-process crash")})" : $"{instances}");
        ResultTable.Row("Stripe's limits (global / per endpoint)", $"{globalLimit}/s / {endpointLimit}/s");
        ResultTable.Row(string.Create(CultureInfo.InvariantCulture, $"ideal: {acceptedCount} ÷ min({endpointLimit}, {globalLimit} ÷ 2) /s"), $"{ideal:F0} s");
        ResultTable.Row("drain: restore → all posted", $"{drain.Elapsed.TotalSeconds:F1} s");
        ResultTable.Row("÷ ideal", $"{drain.Elapsed.TotalSeconds / ideal:F2}");
        ResultTable.Row(string.Create(CultureInfo.InvariantCulture, $"restore → all but the {metCreate500} that met a create 500 posted"), $"{drainProper.Value.TotalSeconds:F1} s ({drainProper.Value.TotalSeconds / ideal:F2} × ideal)");
        if (lowered is { } at)
        {
            ResultTable.Row("limits lowered to a quarter", $"{at.TotalSeconds:F1} s into the drain, at {lowerAt:P0} posted");
        }

        ResultTable.Row("vendor requests during drain", $"{vendorRequests} ({(double)vendorRequests / payments:F2} per payment)");
        ResultTable.Row("429s received", $"{emulator.RateLimited - rateLimitedBefore}");
        ResultTable.Row("most vendor requests in one second", $"{emulator.MaxRequestsPerSecond}");
        ResultTable.Row("the app saw the vendor back (probe)", $"{upAt?.TotalSeconds:F1} s after the restore");
        if (upAt is { } seen)
        {
            ResultTable.Row("from then → all posted ÷ ideal (the drain itself)", $"{(drain.Elapsed - seen).TotalSeconds / ideal:F2}");
        }

        ResultTable.Row("most payments parked again behind the closed circuit (from 5 s after it closed)", $"{parkedBehindClosed}");
        ResultTable.Row("vendor states seen from then on", $"{string.Join(", ", states.Order(StringComparer.Ordinal))}");
        ResultTable.Row(string.Create(CultureInfo.InvariantCulture, $"queue operations per payment during the outage ({outage.TotalSeconds:F0} s)"), metrics is null ? (FormattableString)$"not counted (real host)" : $"{(double)queueOpsDuringOutage / payments:F2}");
        ResultTable.Row("payments charged exactly once", $"{ledger.Count(kv => kv.Value == 1)} of {acceptedCount} (more than once: {ledger.Count(kv => kv.Value > 1)})");
        foreach (var peer in peers)
        {
            await peer.DisposeAsync();
        }
    }

    /// <summary>Takes <c>--kill S</c> from the arguments (and removes it): kill one instance S seconds after the app saw the vendor back (mid-drain).</summary>
    public static TimeSpan? KillAt(List<string> args)
    {
        var at = args.IndexOf("--kill");
        if (at < 0 || at + 1 >= args.Count)
        {
            return null;
        }

        var seconds = double.Parse(args[at + 1], CultureInfo.InvariantCulture);
        args.RemoveRange(at, 2);
        return TimeSpan.FromSeconds(seconds);
    }

    private static async Task<int> CountAsync(TableClient rows, Func<PaymentRow, bool> predicate)
    {
        var count = 0;
        await foreach (var row in rows.QueryAsync<PaymentRow>(r => r.RowKey == PaymentRow.PaymentRowKey))
        {
            if (predicate(row))
            {
                count++;
            }
        }

        return count;
    }
}
