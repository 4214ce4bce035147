using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PaymentFunctions.LocalHost;

namespace PaymentFunctions.Benchmarks;

/// <summary>
/// Issue 13's fuzz run: generated hostile requests (wrong types, huge numbers, unicode, control characters, deep
/// nesting, duplicate keys, wrong content types, oversized and chunked bodies, header abuse, unknown routes and
/// methods, forged webhooks, random batch files) against the local host with the queue pump and the embedded Stripe
/// emulator on, mixed with valid payments. It reports every status code, fails on any 5xx, checks that each accepted
/// payment reads back within the contract and reaches a final status, and that the vendor circuit is still closed.
/// The baseline, measured in the same run, is the same number of valid payments alone: the ratio shows what the
/// hostile mix costs.
/// </summary>
internal static class FuzzBenchmark
{
    private static readonly string[] Statuses = ["accepted", "posting", "posted", "declined", "action_required", "failed"];

    public static async Task<int> RunAsync(int requests, int seed)
    {
        await using var host = await LocalFunctionsHost.StartAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["LocalHost:Timers:ProbeVendor"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Error",
        });
        // Header values go out as UTF-8 bytes, so non-ASCII header abuse reaches the server instead of being refused here.
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        using var intake = Client(handler, host, "local-intake");
        using var ops = Client(handler, host, "local-ops");
        using var lockbox = Client(handler, host, "local-lockbox");
        using var anonymous = new HttpClient(handler, disposeHandler: false) { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(20) };

        // Each case has its own generator (its requests are built on a worker thread), seeded from the run's seed.
        var cases = Enumerable.Range(0, requests).Select(i => Generate(new Random(unchecked((seed * 1_000_003) + i)), i, seed)).ToList();
        var valid = cases.Count(c => c.Valid);
        Console.WriteLine($"Fuzz run: {requests} requests (seed {seed}; {valid} valid payments among them), 16 clients, queue pump and Stripe emulator on");

        // Baseline: valid payments alone (a tenth as many: Azurite slows with every row it holds, see docs/benchmarks.md).
        var baselineCount = Math.Max(100, requests / 10);
        var baseline = Enumerable.Range(0, baselineCount).Select(i => ValidPayment(new Random(unchecked((seed * 1_000_003) - i - 1)), $"base-{seed}-{i}")).ToList();
        var (baselineTime, _, _) = await RunAsync(baseline, intake, ops, lockbox, anonymous);

        var (fuzzTime, codes, accepted) = await RunAsync(cases, intake, ops, lockbox, anonymous);
        var serverErrors = codes.Where(c => (int)c.Key >= 500).Sum(c => c.Value);

        // Every payment the fuzz run got accepted must read back within the contract and reach a final status.
        var broken = new List<string>();
        var stopwatch = Stopwatch.StartNew();
        foreach (var paymentId in accepted)
        {
            JsonElement payment;
            while (true)
            {
                payment = await ops.GetFromJsonAsync<JsonElement>($"/api/payments/{paymentId}");
                if (payment.GetProperty("status").GetString() is not ("accepted" or "posting") || stopwatch.Elapsed > TimeSpan.FromMinutes(5))
                {
                    break;
                }

                await Task.Delay(100);
            }

            var status = payment.GetProperty("status").GetString();
            if (!Statuses.Contains(status) || status is "accepted" or "posting"
                || payment.GetProperty("amount").GetInt64() <= 0
                || payment.GetProperty("currency").GetString() is not { Length: 3 })
            {
                broken.Add($"{paymentId}: {payment}");
            }
        }

        var vendor = (await ops.GetFromJsonAsync<JsonElement>("/api/ops/status")).GetProperty("vendor");
        var circuit = vendor.GetProperty("circuit").GetString();
        var ledger = host.Emulator!.State.Ledger();
        var doubleCharged = ledger.Count(e => e.Value > 1);

        Console.WriteLine();
        Console.WriteLine("| run | requests | seconds | req/s | ÷ baseline |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var baselineRate = baselineCount / baselineTime.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| valid payments only (baseline) | {baselineCount} | {baselineTime.TotalSeconds:F1} | {baselineRate:F0} | 1.00 |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| hostile mix | {requests} | {fuzzTime.TotalSeconds:F1} | {requests / fuzzTime.TotalSeconds:F0} | {requests / fuzzTime.TotalSeconds / baselineRate:F2} |"));
        Console.WriteLine();
        Console.WriteLine("Status codes of the hostile mix (0 = refused by HttpClient before sending): " + string.Join(", ", codes.OrderBy(c => (int)c.Key).Select(c => $"{(int)c.Key} × {c.Value}")));
        Console.WriteLine($"5xx: {serverErrors}; accepted: {accepted.Count} (valid generated: {valid}); outside the contract or not final: {broken.Count}; charged twice: {doubleCharged}; vendor circuit: {circuit}, state {vendor.GetProperty("state").GetString()}");
        foreach (var line in broken.Take(5))
        {
            Console.WriteLine("  " + line);
        }

        return serverErrors == 0 && broken.Count == 0 && doubleCharged == 0 && circuit == "closed" ? 0 : 1;
    }

    private static HttpClient Client(HttpMessageHandler handler, LocalFunctionsHost host, string key)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Add("x-functions-key", host.Keys.KeyOf(key));
        return client;
    }

    private static async Task<(TimeSpan Elapsed, Dictionary<HttpStatusCode, int> Codes, List<string> Accepted)> RunAsync(
        IReadOnlyList<FuzzCase> cases, HttpClient intake, HttpClient ops, HttpClient lockbox, HttpClient anonymous)
    {
        var codes = new Dictionary<HttpStatusCode, int>();
        var accepted = new List<string>();
        var refusedByClient = 0;
        var hung = new List<string>();
        var slowest = new List<(TimeSpan Took, string Request)>();
        var gate = new Lock();
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < cases.Count)
            {
                var c = cases[i];
                var client = c.Client switch { "ops" => ops, "lockbox" => lockbox, "anonymous" => anonymous, _ => intake };
                using var request = c.Build();
                HttpResponseMessage response;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (TaskCanceledException)
                {
                    // No answer within the client's timeout: a hang, reported as 0 answers and named.
                    lock (gate)
                    {
                        hung.Add($"{c.Client} {request.Method} {request.RequestUri} ({(c.Kind.Length > 50 ? c.Kind[..50] : c.Kind)})");
                    }

                    continue;
                }
                catch (HttpRequestException ex) when (ex.InnerException is not System.Net.Sockets.SocketException)
                {
                    // HttpClient itself refused to send it (e.g. a line break in a header): never reached the host.
                    lock (gate)
                    {
                        refusedByClient++;
                    }

                    continue;
                }

                using var answered = response;
                string? paymentId = null;
                if (response.StatusCode == HttpStatusCode.Accepted && request.RequestUri is { IsAbsoluteUri: true, AbsolutePath: "/api/payments" })
                {
                    paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString();
                }

                var took = Stopwatch.GetElapsedTime(started);
                lock (gate)
                {
                    slowest.Add((took, $"{c.Client} {request.Method} {request.RequestUri?.AbsolutePath[..Math.Min(60, request.RequestUri.AbsolutePath.Length)]} → {(int)response.StatusCode}"));
                    if (slowest.Count > 3)
                    {
                        slowest.Remove(slowest.MinBy(s => s.Took));
                    }

                    codes[response.StatusCode] = codes.GetValueOrDefault(response.StatusCode) + 1;
                    if (paymentId is not null)
                    {
                        accepted.Add(paymentId);
                    }
                }
            }
        }));
        Console.WriteLine("Slowest answers: " + string.Join("; ", slowest.OrderByDescending(s => s.Took).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Request} in {s.Took.TotalSeconds:F1} s"))));
        if (hung.Count > 0)
        {
            Console.WriteLine("No answer in time for: " + string.Join(", ", hung.GroupBy(h => h).Select(g => $"{g.Key} × {g.Count()}")));
            codes[(HttpStatusCode)504] = hung.Count; // counted with the 5xx: a request that never ends is a failure
        }

        if (refusedByClient > 0)
        {
            codes[0] = refusedByClient; // shown as "0": not sendable by HttpClient
        }

        return (stopwatch.Elapsed, codes, accepted.Distinct(StringComparer.Ordinal).ToList());
    }

    private sealed record FuzzCase(bool Valid, string Client, Func<HttpRequestMessage> Build, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(Build))] string Kind = "");

    private static FuzzCase ValidPayment(Random random, string key) =>
        new(true, "intake", () => Post("/api/payments", JsonSerializer.Serialize(new
        {
            memberId = "M-" + random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture),
            amount = random.Next(100, 100_000),
            currency = "usd",
            paymentMethodId = random.Next(10) == 0 ? "pm_card_chargeDeclined" : "pm_card_visa",
        }), "application/json", key));

    private static FuzzCase Generate(Random random, int i, int seed)
    {
        var key = $"fuzz-{seed}-{i}";
        return random.Next(20) switch
        {
            0 or 1 => ValidPayment(random, key),
            2 or 3 or 4 or 5 or 6 => new(false, "intake", () => Post("/api/payments", HostileJson(random), PickContentType(random), PickKey(random, key))),
            7 => new(false, "intake", () => Post("/api/payments", Nested(random.Next(1, 3000)), "application/json", key)),
            8 => new(false, "intake", () => Post("/api/payments", DuplicateKeys(random), "application/json", key)),
            9 => new(false, "intake", () => Post("/api/payments", new string('x', random.Next(16_000, 200_000)), "application/json", key, chunked: random.Next(2) == 0)),
            10 => new(false, "intake", () => HeaderAbuse(random, key)),
            11 => new(false, "anonymous", () => Webhook(random)),
            12 => new(false, "lockbox", () => Batch(random, key)),
            13 => new(false, PickClient(random), () => new HttpRequestMessage(PickMethod(random), PickPath(random))),
            14 => new(false, "ops", () => new HttpRequestMessage(HttpMethod.Get, "/api/payments/" + Uri.EscapeDataString(RandomText(random, random.Next(0, 80))))),
            15 => new(false, "anonymous", () => Post("/api/payments", HostileJson(random), "application/json", key)),
            _ => new(false, "intake", () => Post("/api/payments", FieldMutation(random), "application/json", PickKey(random, key))),
        };
    }

    private static HttpRequestMessage Post(string path, string body, string? contentType, string? key, bool chunked = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        HttpContent content = chunked ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) : new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Content = content;
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return request;
    }

    private static string? PickContentType(Random random) =>
        random.Next(8) switch
        {
            0 => null,
            1 => "text/plain",
            2 => "application/json; charset=latin1",
            3 => "application/x-www-form-urlencoded",
            4 => "application/problem+json",
            _ => "application/json",
        };

    private static string? PickKey(Random random, string key) =>
        random.Next(10) switch
        {
            0 => null,
            1 => "",
            2 => new string('k', random.Next(200, 400)),
            3 => "key with spaces \u00e9",
            _ => key,
        };

    private static string PickClient(Random random) => new[] { "intake", "ops", "lockbox", "anonymous" }[random.Next(4)];

    private static HttpMethod PickMethod(Random random) =>
        new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, HttpMethod.Head }[random.Next(7)];

    private static string PickPath(Random random) =>
        random.Next(10) switch
        {
            0 => "/api/payments",
            1 => "/api/ops/poison/replay",
            2 => "/api/batches/" + Uri.EscapeDataString(RandomText(random, 10)),
            3 => "/api/ops/status",
            4 => "/api/webhooks/stripe",
            5 => "/api/" + Uri.EscapeDataString(RandomText(random, 20)),
            6 => "/api/payments/pay_" + new string('0', 32),
            7 => "/api/ready",
            8 => "/api/ops/poison?pageSize=" + Uri.EscapeDataString(RandomText(random, 6)),
            _ => "/" + Uri.EscapeDataString(RandomText(random, 30)),
        };

    private static string HostileJson(Random random)
    {
        var fields = new[] { "memberId", "amount", "currency", "paymentMethodId", "invoiceId", "description", "extra" };
        var parts = fields.Where(_ => random.Next(4) != 0).Select(f => $"{JsonSerializer.Serialize(f)}:{RandomValue(random, 0)}");
        var json = "{" + string.Join(",", parts) + "}";
        return random.Next(10) switch
        {
            0 => json[..random.Next(json.Length)], // cut short
            1 => "[" + json + "]",
            2 => RandomValue(random, 0),
            _ => json,
        };
    }

    private static string FieldMutation(Random random)
    {
        var values = new Dictionary<string, string>
        {
            ["memberId"] = "\"M-1001\"",
            ["amount"] = "45600",
            ["currency"] = "\"usd\"",
            ["paymentMethodId"] = "\"pm_card_visa\"",
        };
        var field = values.Keys.ElementAt(random.Next(values.Count));
        values[field] = RandomValue(random, 0);
        if (random.Next(3) == 0)
        {
            values["description"] = RandomValue(random, 0);
        }

        return "{" + string.Join(",", values.Select(v => $"\"{v.Key}\":{v.Value}")) + "}";
    }

    private static string RandomValue(Random random, int depth) =>
        random.Next(depth > 2 ? 10 : 14) switch
        {
            0 => "null",
            1 => "true",
            2 => random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
            3 => "1" + new string('9', random.Next(18, 400)),
            4 => "1e" + random.Next(1, 999).ToString(CultureInfo.InvariantCulture),
            5 => "-0.0000001",
            6 => "\"4242 4242 4242 4242\"",
            7 => "\"\\u0000\\ud83d\\u001f\"",
            8 or 9 => JsonSerializer.Serialize(RandomText(random, random.Next(0, 600))),
            10 => "[" + RandomValue(random, depth + 1) + "," + RandomValue(random, depth + 1) + "]",
            11 => "{\"a\":" + RandomValue(random, depth + 1) + "}",
            12 => "\"" + RandomText(random, 10).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal) + "\\",
            _ => "\"usd\"",
        };

    private const string Breakers = "\"\\,;\r\n{}[]<>%&'";

    private static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(6) switch
            {
                0 => (char)random.Next(0, 0x20),
                1 => (char)random.Next(0xD800, 0xE000), // surrogates, often lone
                2 => (char)random.Next(0x80, 0xFFFF),
                3 => Breakers[random.Next(Breakers.Length)],
                _ => (char)random.Next(0x20, 0x7F),
            };
        }

        return new string(chars);
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static string DuplicateKeys(Random random) =>
        $"{{\"memberId\":\"M-1\",\"memberId\":\"M-2\",\"amount\":{random.Next(1, 1000)},\"amount\":-5,\"currency\":\"usd\",\"paymentMethodId\":\"pm_card_visa\",\"currency\":\"xxx\"}}";

    private static HttpRequestMessage HeaderAbuse(Random random, string key)
    {
        var request = Post("/api/payments", "{\"memberId\":\"M-1001\",\"amount\":100,\"currency\":\"usd\",\"paymentMethodId\":\"pm_card_visa\"}", "application/json", null);
        switch (random.Next(5))
        {
            case 0:
                request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', random.Next(5_000, 20_000)));
                break;
            case 1:
                for (var i = 0; i < 90; i++)
                {
                    request.Headers.TryAddWithoutValidation($"X-Junk-{i}", new string('j', 100));
                }

                request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
                break;
            case 2:
                request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
                request.Headers.TryAddWithoutValidation("Idempotency-Key", key + "-second");
                break;
            case 3:
                request.Headers.Remove("x-functions-key");
                request.Headers.TryAddWithoutValidation("x-functions-key", "not-a-key");
                request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
                break;
            default:
                request.Content!.Headers.ContentLength = random.Next(0, 50);
                request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
                break;
        }

        return request;
    }

    private static HttpRequestMessage Webhook(Random random)
    {
        var request = Post("/api/webhooks/stripe", random.Next(2) == 0 ? HostileJson(random) : "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{\"id\":\"pi_x\",\"metadata\":{\"payment_id\":\"pay_0\"}}}}", "application/json", null);
        request.Headers.TryAddWithoutValidation("Stripe-Signature", random.Next(3) switch
        {
            0 => "t=1,v1=" + new string('0', 64),
            1 => RandomText(random, 40),
            _ => "t=" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ",v1=abc",
        });
        return request;
    }

    private static HttpRequestMessage Batch(Random random, string key)
    {
        var lines = Enumerable.Range(0, random.Next(0, 20)).Select(_ => string.Join(",", Enumerable.Range(0, random.Next(0, 9)).Select(_ => RandomText(random, random.Next(0, 12)))));
        var body = (random.Next(3) == 0 ? "" : "member_id,invoice_id,amount,check_number,received_date\n") + string.Join("\n", lines);
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/batches/" + Uri.EscapeDataString(random.Next(4) == 0 ? RandomText(random, 8) : key))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(random.Next(4) == 0 ? "application/octet-stream" : "text/csv");
        return request;
    }
}
