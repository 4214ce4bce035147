using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using PaymentFunctions.LocalHost;
using PaymentIntake.Payments;
using StripeEmulator;

namespace PaymentFunctions.Benchmarks;

/// <summary>
/// Issue 24's deadline day: N payments arriving at an even pace over M minutes — four in five cards from the web
/// (POST /api/payments), one in five checks from the lockbox (a batch file every 10 s) — on I instances of the app
/// sharing one Azurite and one emulator with Stripe's documented live limits (docs.stripe.com/rate-limits: 100/s in
/// all, 25/s per endpoint), and a vendor outage of S seconds in the middle. Reports intake availability and latency
/// against the bare storage work of one intake measured in the same run, the drain of the outage's backlog against
/// the real limit, 429s, and how many payments were charged exactly once.
/// </summary>
internal static class DeadlineDayBenchmark
{
    private const string IdSecret = "bench-payment-id-secret-of-at-least-32-characters";

    public static async Task RunAsync(int payments, TimeSpan duration, TimeSpan outage, int instances, BenchHostKind kind)
    {
        await using var azurite = await AzuriteProcess.StartAsync(accounts: 1);
        await using var vendor = await StripeEmulatorServer.StartAsync();
        var emulator = vendor.State;
        var storage = azurite.ConnectionStringFor(azurite.Accounts[0]);
        var bare = await IntakeBenchmark.BareStorageAsync(azurite.ConnectionString, 16, 500);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = storage,
            ["Stripe:ApiKey"] = "sk_test_bench",
            ["Stripe:ApiBase"] = vendor.BaseUrl.ToString(),
            ["Stripe:WebhookSecret"] = emulator.WebhookSecret,
            ["Stripe:ReturnUrl"] = "http://127.0.0.1/payments/return",
            ["PaymentIntake:IdSecret"] = IdSecret,
            ["Posting:VendorRatePerSecond"] = "95", // a live key's default (a live key needs https, so the bench sets it)
            ["Logging:LogLevel:Default"] = "Error",
            ["AzureFunctionsJobHost:logging:logLevel:default"] = "Warning",
        };
        var hosts = new List<BenchHost>();
        for (var i = 0; i < instances; i++)
        {
            hosts.Add(await BenchHost.StartAsync(kind, settings));
        }

        emulator.Limits.UseStripeDefaults();
        emulator.RateLimitPerSecond = StripeRateLimiter.LiveGlobalLimit;
        var received = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ids = new PaymentIds(Microsoft.Extensions.Options.Options.Create(new PaymentIntake.Configuration.PaymentIntakeOptions { IdSecret = IdSecret }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Deadline day: {payments} payments over {duration.TotalMinutes:F0} min on {instances} instance(s) of the {(kind == BenchHostKind.Real ? "real Functions host" : "local host")}, Stripe's live limits, an outage of {outage.TotalSeconds:F0} s in the middle"));

        var clients = hosts.Select(h => h.ClientFor("local-intake", "intake")).ToList();
        var lockbox = hosts[0].ClientFor("local-lockbox", "lockbox");
        var accepted = new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal); // payment → accepted at (run clock)
        var checkIds = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        var batchLatencies = new ConcurrentBag<double>();
        int failures = 0, checks = 0;
        var refusals = new ConcurrentDictionary<string, int>(StringComparer.Ordinal); // why intake refused: status and error code
        var pendingChecks = new List<string>();
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        TimeSpan? outageAt = null, restoredAt = null;
        List<string>? owed = null;
        List<string> Owed()
        {
            var ledger = emulator.Ledger();
            return accepted.Keys.Where(id => ledger.GetValueOrDefault(id) == 0).ToList();
        }

        var rateLimitedBefore = emulator.RateLimited;

        // A front end as the API asks: a 503 (storage-unavailable) is retried after its Retry-After with the same
        // idempotency key, three times at most. Latency is the first try's; availability is counted both ways.
        int firstTryRefused = 0;
        async Task CardAsync(int i)
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                var start = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments")
                {
                    Content = JsonContent.Create(new { memberId = $"M-{i}", amount = 45600, currency = "usd", paymentMethodId = "pm_card_visa" }),
                };
                request.Headers.Add("Idempotency-Key", $"deadline-{i}");
                TimeSpan retryAfter;
                try
                {
                    using var response = await clients[i % clients.Count].SendAsync(request);
                    if (attempt == 0)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }

                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted[(await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!] = clock.Elapsed;
                        return;
                    }

                    var text = await response.Content.ReadAsStringAsync();
                    refusals.AddOrUpdate($"{(int)response.StatusCode} {text[..Math.Min(120, text.Length)]}", 1, (_, n) => n + 1);
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                    {
                        break;
                    }

                    retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                }
                catch (HttpRequestException ex)
                {
                    refusals.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                    retryAfter = TimeSpan.FromSeconds(1);
                }

                if (attempt == 0)
                {
                    Interlocked.Increment(ref firstTryRefused);
                }

                await Task.Delay(retryAfter);
            }

            Interlocked.Increment(ref failures);
        }

        async Task BatchAsync(int number, List<string> lines)
        {
            var csv = new StringBuilder("member_id,invoice_id,amount,check_number,received_date,payer_name\n");
            foreach (var line in lines)
            {
                csv.Append(line).Append('\n');
            }

            var start = Stopwatch.GetTimestamp();
            using var body = new StringContent(csv.ToString(), Encoding.UTF8);
            body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            using var response = await lockbox.PutAsync($"/api/batches/deadline-{number}", body);
            batchLatencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.Created))
            {
                Interlocked.Add(ref failures, lines.Count);
                return;
            }

            foreach (var line in lines)
            {
                var fields = line.Split(',');
                var id = ids.ForCheck(fields[0], fields[3]);
                checkIds[id] = true;
                accepted[id] = clock.Elapsed;
            }
        }

        // Arrivals at an even pace; a check waits for the lockbox's next file (every 10 s).
        var interval = duration / payments;
        var batches = 0;
        var nextBatch = TimeSpan.FromSeconds(10);
        for (var i = 0; i < payments; i++)
        {
            var due = interval * i;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            if (outageAt is null && clock.Elapsed >= duration / 2)
            {
                outageAt = clock.Elapsed;
                emulator.SetFault(FaultMode.ServerError);
            }
            else if (restoredAt is null && outageAt is { } down && clock.Elapsed >= down + outage)
            {
                restoredAt = clock.Elapsed;
                emulator.SetFault(FaultMode.None);
                owed = Owed(); // what the outage left: accepted and not charged at the restore
            }

            if (i % 5 == 4)
            {
                emulator.SeedInvoice($"in_deadline{i}", 45600);
                pendingChecks.Add($"M-{i},in_deadline{i},456.00,{i},{received},Payer {i}");
                checks++;
            }
            else
            {
                inFlight.Add(CardAsync(i));
            }

            if (clock.Elapsed >= nextBatch || i == payments - 1)
            {
                inFlight.Add(BatchAsync(++batches, pendingChecks));
                pendingChecks = [];
                nextBatch += TimeSpan.FromSeconds(10);
            }

            inFlight.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(inFlight);
        var intakeEnded = clock.Elapsed;
        {
            // Intake's numbers at once: a drain that outlasts the run's time limit (Azurite at a full core) still leaves them.
            var sortedNow = latencies.Order().ToArray();
            var ledgerNow = emulator.Ledger();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Intake ended after {intakeEnded.TotalSeconds:F0} s: {accepted.Count} of {payments} accepted ({(double)accepted.Count / payments:P2}; {firstTryRefused} cards refused at the first try), card p50 / p99 {LoadResult.Percentile(sortedNow, 0.5):F1} / {LoadResult.Percentile(sortedNow, 0.99):F1} ms against bare storage {bare.P50Ms:F1} / {bare.P99Ms:F1} ms; charged so far {accepted.Keys.Count(id => ledgerNow.GetValueOrDefault(id) > 0)}"));
        }

        if (outageAt is not null && restoredAt is null)
        {
            await Task.Delay(outageAt.Value + outage - clock.Elapsed is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
            restoredAt = clock.Elapsed;
            emulator.SetFault(FaultMode.None);
            owed = Owed();
        }

        // The backlog of the outage: every payment accepted and not charged at the restore (checks of the file in
        // flight at that moment are counted when its answer comes, so a few may be missing from it).
        var backlogDrained = (TimeSpan?)null;
        var backlog = owed!;
        var owedChecks = backlog.Count(checkIds.ContainsKey);
        var owedCards = backlog.Count - owedChecks;
        while (true)
        {
            var ledger = emulator.Ledger();

            if (backlogDrained is null && backlog.All(id => ledger.GetValueOrDefault(id) > 0))
            {
                backlogDrained = clock.Elapsed;
            }

            if (accepted.Keys.All(id => ledger.GetValueOrDefault(id) > 0) || clock.Elapsed > intakeEnded + TimeSpan.FromMinutes(20))
            {
                break;
            }

            await Task.Delay(1000);
        }

        var allCharged = clock.Elapsed;
        var rows = new TableServiceClient(storage).GetTableClient("payments");
        var posted = 0;
        await foreach (var row in rows.QueryAsync<PaymentRow>(r => r.RowKey == PaymentRow.PaymentRowKey && r.Status == PaymentStatus.Posted))
        {
            posted++;
        }

        var final = emulator.Ledger();
        var sorted = latencies.Order().ToArray();
        var sortedBatches = batchLatencies.Order().ToArray();
        var backlogSize = owedCards + owedChecks;
        // Cards take create and confirm (25/s each endpoint), checks the invoice's own endpoints (25/s each), all two
        // requests a payment under 100/s in all: the busiest endpoint or the global limit bounds the drain.
        var ideal = Math.Max(Math.Max(owedCards, owedChecks) / 25.0, backlogSize * 2 / 100.0);
        ResultTable.Header();
        ResultTable.Row("payments submitted (cards / checks in batches of 10 s)", $"{payments} ({payments - checks} / {checks} in {batches} files)");
        ResultTable.Row("instances", $"{instances} ({(kind == BenchHostKind.Real ? "real Functions host" : "local host")})");
        ResultTable.Row("intake: accepted ÷ submitted (availability, with the client's retry of a 503)", $"{accepted.Count} ÷ {payments} = {(double)accepted.Count / payments:P2} ({failures} refused or failed in the end)");
        ResultTable.Row("cards answered 202 at the first try", $"{(double)(payments - checks - firstTryRefused) / (payments - checks):P2} ({firstTryRefused} refused first)");
        ResultTable.Row("intake: arrival rate, wall time", $"{payments / intakeEnded.TotalSeconds:F1}/s over {intakeEnded.TotalMinutes:F1} min");
        ResultTable.Row("card intake p50 / p99", $"{LoadResult.Percentile(sorted, 0.5):F1} / {LoadResult.Percentile(sorted, 0.99):F1} ms");
        ResultTable.Row("bare storage of one intake p50 / p99 (16 in parallel, same Azurite)", $"{bare.P50Ms:F1} / {bare.P99Ms:F1} ms");
        ResultTable.Row("card intake ÷ bare storage (p50 / p99)", $"{LoadResult.Percentile(sorted, 0.5) / bare.P50Ms:F2} / {LoadResult.Percentile(sorted, 0.99) / bare.P99Ms:F2}");
        ResultTable.Row("lockbox file (≈ 30 checks) answer p50 / p99", $"{LoadResult.Percentile(sortedBatches, 0.5):F0} / {LoadResult.Percentile(sortedBatches, 0.99):F0} ms");
        foreach (var (why, count) in refusals.OrderByDescending(r => r.Value).Take(5))
        {
            ResultTable.Row($"a refusal (any try): {why.Replace('|', '/')}", $"{count}");
        }

        ResultTable.Row("vendor outage", $"{outageAt?.TotalSeconds:F0} s → {restoredAt?.TotalSeconds:F0} s into the run");
        ResultTable.Row("backlog at the restore (accepted, not yet charged)", $"{backlogSize} ({owedCards} cards, {owedChecks} checks)");
        ResultTable.Row("restore → backlog charged", backlogDrained is { } drained ? (FormattableString)$"{(drained - restoredAt!.Value).TotalSeconds:F1} s (ideal {ideal:F0} s: {(drained - restoredAt.Value).TotalSeconds / ideal:F2} ×)" : $"not within the run");
        ResultTable.Row("end of intake → everything charged", $"{(allCharged - intakeEnded).TotalSeconds:F1} s");
        ResultTable.Row("429s received", $"{emulator.RateLimited - rateLimitedBefore}");
        ResultTable.Row("most vendor requests in one second", $"{emulator.MaxRequestsPerSecond}");
        ResultTable.Row("vendor requests per payment", $"{(double)emulator.Requests / payments:F2}");
        ResultTable.Row("rows posted", $"{posted} of {accepted.Count}");
        ResultTable.Row("payments charged exactly once", $"{accepted.Keys.Count(id => final.GetValueOrDefault(id) == 1)} of {accepted.Count} (more than once: {accepted.Keys.Count(id => final.GetValueOrDefault(id) > 1)})");
        ResultTable.Row("storage operations per payment", kind == BenchHostKind.Local
            ? (FormattableString)$"{(double)hosts.Sum(h => h.Local!.App.Services.GetService(typeof(PaymentIntake.Storage.StorageMetrics)) is PaymentIntake.Storage.StorageMetrics m ? m.QueueOperations : 0) / payments:F2} queue operations (tables not counted)"
            : $"not counted on the real host");
        foreach (var client in clients)
        {
            client.Dispose();
        }

        lockbox.Dispose();
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }
}
