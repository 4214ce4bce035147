using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.LocalHost;
using PaymentIntake.Payments;
using PaymentIntake.Due;
using PaymentIntake.Storage;
using StripeEmulator;

namespace PaymentFunctions.Benchmarks;

/// <summary>
/// A lockbox batch of N lines: time to the upload's answer (queue pump off, so only intake is measured) against a
/// baseline of the bare storage work for the same rows done directly with the SDKs; peak memory of the host process
/// during the upload; then time until every check is posted with an unlimited vendor (a second host, pump on).
/// </summary>
internal static class BatchBenchmark
{
    public static async Task RunAsync(int lines, TimeSpan drainLimit)
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var emulator = await StripeEmulatorServer.StartAsync();
        emulator.State.Limits.Lift(); // posting at 10,000/s: the vendor is not what this measures
        var received = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture); // within Batches:MaxReceivedAge
        var csv = new StringBuilder("member_id,invoice_id,amount,check_number,received_date,payer_name\n");
        for (var i = 1; i <= lines; i++)
        {
            emulator.State.SeedInvoice($"in_bench{i}", 45600);
            csv.Append(CultureInfo.InvariantCulture, $"M-{i},in_bench{i},456.00,{i},{received},\"Payer {i}, Esq.\"\n");
        }

        var content = Encoding.UTF8.GetBytes(csv.ToString());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Batch benchmark: {lines:N0} lines, {content.Length / 1048576.0:0.0} MiB"));

        var (bare, barePosting) = await BareStorageAsync(azurite.ConnectionString, lines);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  bare storage: {bare.TotalSeconds:F1} s to record, {barePosting.TotalSeconds:F1} s to drain"));

        var prefix = "b" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Stripe:ApiKey"] = "sk_test_bench",
            ["Stripe:ApiBase"] = emulator.BaseUrl.ToString(),
            ["PaymentIntake:NamePrefix"] = prefix,
            ["Posting:VendorRatePerSecond"] = "10000",
            ["Posting:VendorEndpointRatePerSecond"] = "10000",
            ["Logging:LogLevel:Default"] = "Error",
        };

        TimeSpan upload;
        long heapBefore, heapPeak, workingSetBefore, workingSetPeak;
        await using (var intakeHost = await LocalFunctionsHost.StartAsync([], new Dictionary<string, string?>(settings) { ["LocalHost:QueuePump"] = "false", ["LocalHost:TimerTriggers"] = "false" }))
        {
            using var client = new HttpClient { BaseAddress = intakeHost.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
            client.DefaultRequestHeaders.Add("x-functions-key", intakeHost.Keys.KeyOf("local-lockbox"));
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            heapBefore = GC.GetTotalMemory(false);
            workingSetBefore = process.WorkingSet64;
            (heapPeak, workingSetPeak) = (heapBefore, workingSetBefore);
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    process.Refresh();
                    heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false));
                    workingSetPeak = Math.Max(workingSetPeak, process.WorkingSet64);
                    await Task.Delay(20);
                }
            });

            var clock = Stopwatch.StartNew();
            using var body = new ByteArrayContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            using var response = await client.PutAsync("/api/batches/bench", body);
            upload = clock.Elapsed;
            await sampling.CancelAsync();
            await sampler;
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  upload: {upload.TotalSeconds:F1} s; managed heap {heapBefore / 1048576.0:F0} → {heapPeak / 1048576.0:F0} MiB, working set {workingSetBefore / 1048576.0:F0} → {workingSetPeak / 1048576.0:F0} MiB"));
        var drain = Stopwatch.StartNew();
        long queueOperations;
        await using (var postingHost = await LocalFunctionsHost.StartAsync([], settings))
        {
            while (emulator.State.Ledger().Count(kv => kv.Value >= 1) < lines && drain.Elapsed < drainLimit)
            {
                await Task.Delay(250);
            }

            // Receives, deletes and the reconciler's peeks; a copy of a message (a re-enqueue) would add a send, a receive and a delete.
            queueOperations = postingHost.App.Services.GetRequiredService<StorageMetrics>().QueueOperations;
        }

        drain.Stop();
        var posted = emulator.State.Ledger().Count(kv => kv.Value >= 1);
        var doubles = emulator.State.Ledger().Count(kv => kv.Value > 1);
        ResultTable.Header();
        ResultTable.Row("bare storage for the same rows (4 operations a line, 32 in parallel)", $"{bare.TotalSeconds:F1} s ({lines / bare.TotalSeconds:F0} lines/s)");
        ResultTable.Row("upload → answer (report)", $"{upload.TotalSeconds:F1} s ({lines / upload.TotalSeconds:F0} lines/s)");
        ResultTable.Row("upload ÷ bare storage (time)", $"{upload.TotalSeconds / bare.TotalSeconds:F2}");
        ResultTable.Row("managed heap before → peak during upload", $"{heapBefore / 1048576.0:F0} → {heapPeak / 1048576.0:F0} MiB");
        ResultTable.Row("working set before → peak during upload (benchmark process = host)", $"{workingSetBefore / 1048576.0:F0} → {workingSetPeak / 1048576.0:F0} MiB");
        ResultTable.Row("bare storage drain of the same messages (receive 16, per message 1 row read + 2 row writes + delete)", $"{barePosting.TotalSeconds:F1} s ({lines / barePosting.TotalSeconds:F0} lines/s)");
        if (posted == lines)
        {
            ResultTable.Row(string.Create(CultureInfo.InvariantCulture, $"all {lines:N0} checks posted (vendor unlimited) after"), $"{drain.Elapsed.TotalSeconds:F1} s ({lines / drain.Elapsed.TotalSeconds:F0} lines/s)");
            ResultTable.Row("posting ÷ bare storage drain (time)", $"{drain.Elapsed.TotalSeconds / barePosting.TotalSeconds:F2}");
        }
        else
        {
            ResultTable.Row("checks posted (vendor unlimited) when the benchmark stopped waiting", $"{posted:N0} of {lines:N0} in {drain.Elapsed.TotalSeconds:F0} s ({posted / drain.Elapsed.TotalSeconds:F0} lines/s)");
        }

        ResultTable.Row("queue operations per check while posting (delete + a receive of up to 16 whenever 8 or fewer are in flight + peeks; a copy adds 3)", $"{queueOperations / (double)lines:F2}");
        ResultTable.Row("invoices paid more than once", $"{doubles}");
    }

    /// <summary>
    /// The baseline: the storage work of recording the rows, then of draining their messages as a worker would, done
    /// directly with the SDKs. Everything it created is deleted afterwards: Azurite's queue operations slow down with
    /// every message it holds, so leftovers would slow the measured run.
    /// </summary>
    private static async Task<(TimeSpan Record, TimeSpan Drain)> BareStorageAsync(string connection, int lines)
    {
        var prefix = "b" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var tables = new TableServiceClient(connection);
        var payments = tables.GetTableClient(prefix + "payments");
        var checks = tables.GetTableClient(prefix + "checks");
        var due = tables.GetTableClient(prefix + "paymentsdue");
        var queue = new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient(prefix + "payments");
        await Task.WhenAll(payments.CreateIfNotExistsAsync(), checks.CreateIfNotExistsAsync(), due.CreateIfNotExistsAsync(), queue.CreateIfNotExistsAsync());
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(1, lines), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var id = PaymentId.Derive("test", $"check:M-{i}:{i}");
            var now = DateTimeOffset.UtcNow;
            await checks.AddEntityAsync(new TableEntity($"M-{i}", i.ToString(CultureInfo.InvariantCulture)) { ["PaymentId"] = id }, ct);
            await Task.WhenAll(
                payments.AddEntityAsync(new PaymentRow { PartitionKey = id, Kind = PaymentKinds.Check, MemberId = $"M-{i}", Amount = 45600, Currency = "usd", InvoiceId = $"in_bench{i}", RequestHash = id, AcceptedAt = now, UpdatedAt = now }, ct),
                due.UpsertEntityAsync(new TableEntity(PaymentsDueIndex.Bucket(now.AddMinutes(5)), id), TableUpdateMode.Replace, ct));
            await queue.SendMessageAsync($$"""{"paymentId":"{{id}}"}""", ct);
        });
        var record = clock.Elapsed;

        clock.Restart();
        var drained = 0;
        while (drained < lines)
        {
            var messages = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(5))).Value;
            await Parallel.ForEachAsync(messages, async (message, ct) =>
            {
                var id = message.Body.ToString()[14..^2];
                // The bare work of a claim and a final write, without our code (the baseline).
                var row = (await payments.GetEntityAsync<TableEntity>(id, PaymentRow.PaymentRowKey, cancellationToken: ct)).Value;
                row[nameof(PaymentRow.Status)] = PaymentStatus.Posting;
                var etag = (await payments.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct)).Headers.ETag!.Value;
                row[nameof(PaymentRow.Status)] = PaymentStatus.Posted;
                await payments.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, ct);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            });
            drained += messages.Length;
        }

        var drain = clock.Elapsed;
        await Task.WhenAll(payments.DeleteAsync(), checks.DeleteAsync(), due.DeleteAsync(), queue.DeleteAsync());
        return (record, drain);
    }
}
