using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.LocalHost;
using PaymentIntake.Payments;
using PaymentIntake.Storage;
using StripeEmulator;

namespace PaymentFunctions.Benchmarks;

/// <summary>
/// Accept N payments while the vendor is down, keep it down for the outage, restore it with a vendor rate limit, and
/// measure the drain against the ideal (requests ÷ vendor limit), the 429s received, and the queue operations per
/// payment during the outage. The app runs on the chosen host (real or local) with Azurite and the in-process emulator.
/// </summary>
internal static class DrainBenchmark
{
    public static async Task RunAsync(int payments, int vendorLimit, int postingRate, TimeSpan outage, int instances, BenchHostKind kind)
    {
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
            ["Posting:VendorRatePerSecond"] = postingRate.ToString(CultureInfo.InvariantCulture),
            // The local host probes every 2 s here; the real host keeps the app's schedule (every minute), as on Azure.
            ["LocalHost:Timers:ProbeVendor"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Error",
            ["AzureFunctionsJobHost:logging:logLevel:default"] = "Warning",
        };
        await using var host = await BenchHost.StartAsync(kind, settings);
        var emulator = vendor.State;
        // More instances of the app on the same storage and vendor: they share the one vendor rate.
        var peers = new List<BenchHost>();
        for (var i = 1; i < instances; i++)
        {
            peers.Add(await BenchHost.StartAsync(kind, settings));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{instances} instance(s) of the app on the {(kind == BenchHostKind.Real ? "real Functions host" : "local host")}"));
        // Storage operations are counted in the app's process: only the local host's can be read from here.
        var metrics = host.Local?.App.Services.GetRequiredService<StorageMetrics>();
        var rows = new TableServiceClient(storage).GetTableClient("payments");
        using var client = host.ClientFor("local-intake", "intake");

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
            return response.StatusCode == HttpStatusCode.Accepted;
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accepted {payments - intake.Failures}/{payments} payments during the outage at {intake.PerSecond:F0}/s (p99 {intake.P99Ms:F0} ms)"));

        // Every payment tried and parked (waiting with a next attempt), and the outage lasted its full length.
        while (await CountAsync(rows, r => r.Status == PaymentStatus.Accepted && r.NextAttemptAt is not null) < payments || outageClock.Elapsed < outage)
        {
            await Task.Delay(250);
        }

        var queueOpsDuringOutage = (metrics?.QueueOperations ?? 0) - queueOpsBefore;
        var vendorRequestsDuringOutage = emulator.Requests;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Outage of {outageClock.Elapsed.TotalSeconds:F0} s: {(metrics is null ? "queue operations not counted on the real host" : $"{queueOpsDuringOutage} queue operations ({(double)queueOpsDuringOutage / payments:F2} per payment)")}, {vendorRequestsDuringOutage} vendor requests ({(double)vendorRequestsDuringOutage / payments:F2} per payment)"));

        emulator.RateLimitPerSecond = vendorLimit;
        emulator.SetFault(FaultMode.None);
        var rateLimitedBefore = emulator.RateLimited;
        var drain = Stopwatch.StartNew();
        while (await CountAsync(rows, r => r.Status == PaymentStatus.Posted) < payments)
        {
            await Task.Delay(100);
        }

        drain.Stop();
        var vendorRequests = emulator.Requests - vendorRequestsDuringOutage;
        var ledger = emulator.Ledger();
        var ideal = (double)payments / vendorLimit;
        var idealForRequests = (double)vendorRequests / vendorLimit;
        ResultTable.Header();
        ResultTable.Row("payments", $"{payments}");
        ResultTable.Row("vendor limit / our posting rate", $"{vendorLimit}/s / {postingRate}/s");
        ResultTable.Row("drain: restore → all posted", $"{drain.Elapsed.TotalSeconds:F1} s");
        ResultTable.Row(string.Create(CultureInfo.InvariantCulture, $"÷ ideal {payments}/{vendorLimit} s = {ideal:F0} s (one request per payment)"), $"{drain.Elapsed.TotalSeconds / ideal:F2}");
        ResultTable.Row("vendor requests during drain", $"{vendorRequests} ({(double)vendorRequests / payments:F2} per payment)");
        ResultTable.Row(string.Create(CultureInfo.InvariantCulture, $"÷ ideal for those requests {vendorRequests}/{vendorLimit} s = {idealForRequests:F0} s"), $"{drain.Elapsed.TotalSeconds / idealForRequests:F2}");
        ResultTable.Row("429s received", $"{emulator.RateLimited - rateLimitedBefore}");
        ResultTable.Row("most vendor requests in one second", $"{emulator.MaxRequestsPerSecond}");
        ResultTable.Row(string.Create(CultureInfo.InvariantCulture, $"queue operations per payment during the outage ({outage.TotalSeconds:F0} s)"), metrics is null ? (FormattableString)$"not counted (real host)" : $"{(double)queueOpsDuringOutage / payments:F2}");
        ResultTable.Row("payments charged exactly once", $"{ledger.Count(kv => kv.Value == 1)} of {payments} (more than once: {ledger.Count(kv => kv.Value > 1)})");
        foreach (var peer in peers)
        {
            await peer.DisposeAsync();
        }
    }

    private static async Task<int> CountAsync(TableClient rows, Func<PaymentRow, bool> predicate)
    {
        var count = 0;
        await foreach (var row in rows.QueryAsync<PaymentRow>())
        {
            if (predicate(row))
            {
                count++;
            }
        }

        return count;
    }
}
