using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using PaymentFunctions.LocalHost;
using PaymentIntake.Payments;

namespace PaymentFunctions.Benchmarks;

/// <summary>
/// POST /api/payments on the chosen host (the real Functions host or the local host) at several concurrencies, against a baseline measured in the same run:
/// the bare storage work of one intake (the due-index entry, then the row insert, then the queue send, in that order
/// since issue 13) done directly with the Azure SDKs.
/// The queue trigger is off (local: the pump; real: PostPayment disabled) so that only intake is measured. On the real
/// host each run gets a storage account of its own (its queue triggers name fixed queues), the same Azurite.
/// </summary>
internal static class IntakeBenchmark
{
    public static async Task RunAsync(int requests, int[] concurrencies, BenchHostKind kind)
    {
        await using var azurite = await AzuriteProcess.StartAsync(accounts: concurrencies.Length);
        Console.WriteLine($"Intake benchmark on the {(kind == BenchHostKind.Real ? "real Functions host" : "local host")}: {requests} requests per run, Azurite {azurite.ConnectionString.Split(';').First(p => p.StartsWith("QueueEndpoint", StringComparison.Ordinal))}");
        Console.WriteLine();
        Console.WriteLine("| clients | bare storage req/s | p50 ms | p99 ms | intake req/s | p50 ms | p99 ms | intake ÷ bare |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var run = 0; run < concurrencies.Length; run++)
        {
            var concurrency = concurrencies[run];
            var bare = await BareStorageAsync(azurite.ConnectionString, concurrency, requests);
            var intake = await IntakeAsync(kind == BenchHostKind.Real ? azurite.ConnectionStringFor(azurite.Accounts[run]) : azurite.ConnectionString, concurrency, requests, kind);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {concurrency} | {bare.PerSecond:F0} | {bare.P50Ms:F1} | {bare.P99Ms:F1} | {intake.PerSecond:F0} | {intake.P50Ms:F1} | {intake.P99Ms:F1} | {intake.PerSecond / bare.PerSecond:F2} |"));
            if (bare.Failures + intake.Failures > 0)
            {
                Console.WriteLine($"  failures: bare {bare.Failures}, intake {intake.Failures}");
            }
        }
    }

    private static string Prefix() => "b" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    internal static async Task<LoadResult> BareStorageAsync(string connection, int concurrency, int requests)
    {
        var prefix = Prefix();
        var table = new TableServiceClient(connection).GetTableClient(prefix + "payments");
        var due = new TableServiceClient(connection).GetTableClient(prefix + "paymentsdue");
        var queue = new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient(prefix + "payments");
        await table.CreateIfNotExistsAsync();
        await due.CreateIfNotExistsAsync();
        await queue.CreateIfNotExistsAsync();
        async Task<bool> One(int i)
        {
            var id = PaymentId.Derive("test", $"{prefix}-{i}");
            var now = DateTimeOffset.UtcNow;
            await due.UpsertEntityAsync(new TableEntity(PaymentIntake.Due.PaymentsDueIndex.Bucket(now.AddMinutes(5)), id) { ["AcceptedAt"] = now }, TableUpdateMode.Replace);
            await table.AddEntityAsync(new PaymentRow
            {
                PartitionKey = id, MemberId = "M-1001", Amount = 45600, Currency = "usd", PaymentMethodId = "pm_card_visa",
                RequestHash = id, AcceptedAt = now, UpdatedAt = now,
            });
            await queue.SendMessageAsync($$"""{"paymentId":"{{id}}"}""");
            return true;
        }

        await LoadResult.RunAsync(concurrency, Math.Min(50, requests), i => One(requests + i));
        return await LoadResult.RunAsync(concurrency, requests, One);
    }

    private static async Task<LoadResult> IntakeAsync(string connection, int concurrency, int requests, BenchHostKind kind)
    {
        var prefix = Prefix();
        await using var host = await BenchHost.StartAsync(kind, new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = connection,
            ["PaymentIntake:NamePrefix"] = kind == BenchHostKind.Real ? null : prefix,
            ["LocalHost:QueuePump"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // The real host needs what the local host fills in itself; intake never calls the vendor.
            ["Stripe:ApiKey"] = "sk_test_bench",
            ["Stripe:ApiBase"] = "http://127.0.0.1:9/",
            ["Stripe:WebhookSecret"] = "whsec_bench",
            ["Stripe:ReturnUrl"] = "http://127.0.0.1/payments/return",
            ["PaymentIntake:IdSecret"] = "bench-payment-id-secret-of-at-least-32-characters",
            ["AzureFunctionsJobHost:logging:logLevel:default"] = "Warning",
        });
        using var client = host.ClientFor("local-intake", "intake");
        var body = new { memberId = "M-1001", amount = 45600, currency = "usd", paymentMethodId = "pm_card_visa" };
        async Task<bool> One(int i)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", $"{prefix}-{i}");
            using var response = await client.SendAsync(request);
            return response.StatusCode == HttpStatusCode.Accepted;
        }

        await LoadResult.RunAsync(concurrency, Math.Min(50, requests), i => One(requests + i));
        return await LoadResult.RunAsync(concurrency, requests, One);
    }
}
