using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using PaymentFunctions.LocalHost;

namespace PaymentFunctions.Benchmarks;

/// <summary>
/// A large lockbox file against the asynchronous upload: time to the <c>202</c> against a baseline of the bare blob
/// upload of the same bytes (the work the answer cannot avoid), peak memory of the host during the upload, then the
/// time until every line is recorded (the host's queue pump records it; no HTTP request is held open meanwhile).
/// </summary>
internal static class BatchAcceptBenchmark
{
    public static async Task RunAsync(int lines, TimeSpan limit)
    {
        var received = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = new StringBuilder("member_id,invoice_id,amount,check_number,received_date,payer_name\n");
        for (var i = 1; i <= lines; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"M-{i},in_bench{i},456.00,{i},{received},\"Payer {i}, Esq.\"\n");
        }

        var content = Encoding.UTF8.GetBytes(csv.ToString());
        await using var host = await LocalFunctionsHost.StartAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["LocalHost:TimerTriggers"] = "false",
            ["Logging:LogLevel:Default"] = "Error",
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Batch acceptance: {lines:N0} lines, {content.Length / 1048576.0:0.0} MiB"));

        var blobs = new BlobServiceClient(host.StorageConnectionString).GetBlobContainerClient("baseline");
        await blobs.CreateIfNotExistsAsync();
        var bare = Stopwatch.StartNew();
        await blobs.GetBlobClient("file.csv").UploadAsync(new BinaryData(content), overwrite: true);
        bare.Stop();

        using var client = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Add("x-functions-key", host.Keys.KeyOf("local-lockbox"));
        using var process = Process.GetCurrentProcess();
        GC.Collect();
        var workingSetBefore = process.WorkingSet64;
        var peak = workingSetBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(20);
            }
        });
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var accept = Stopwatch.StartNew();
        using var response = await client.PutAsync("/api/batches/large", body);
        accept.Stop();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"The upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var recorded = Stopwatch.StartNew();
        JsonElement batch;
        do
        {
            await Task.Delay(500);
            batch = await client.GetFromJsonAsync<JsonElement>("/api/batches/large");
        }
        while (batch.GetProperty("status").GetString() != "complete" && recorded.Elapsed < limit);

        recorded.Stop();
        await sampling.CancelAsync();
        await sampler;

        ResultTable.Header();
        ResultTable.Row("lines / bytes", $"{lines:N0} / {content.Length:N0}");
        ResultTable.Row("bare blob upload of the file", $"{bare.Elapsed.TotalSeconds:F2} s");
        ResultTable.Row("PUT → 202 (store, hash, parse and check every line)", $"{accept.Elapsed.TotalSeconds:F2} s");
        ResultTable.Row("202 ÷ bare upload", $"{accept.Elapsed.TotalSeconds / bare.Elapsed.TotalSeconds:F2}");
        var processed = batch.GetProperty("linesProcessed").GetInt32();
        var complete = batch.GetProperty("status").GetString() == "complete";
        ResultTable.Row(
            complete ? "202 → every line recorded (queue pump, 500-line chunks)" : $"202 → lines recorded when the {limit.TotalSeconds:F0} s limit ended the wait (queue pump, 500-line chunks)",
            $"{recorded.Elapsed.TotalSeconds:F1} s ({processed:N0} of {lines:N0} lines, {processed / recorded.Elapsed.TotalSeconds:F0} lines/s)");
        ResultTable.Row("host working set before → peak", $"{workingSetBefore / 1048576} → {peak / 1048576} MiB");
    }
}
