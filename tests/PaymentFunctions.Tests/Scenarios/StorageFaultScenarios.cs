using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>
/// Storage unreachable, hung, or away at the first request: every HTTP route answers 503 storage-unavailable with
/// Retry-After within the request's storage budget (never 500, never a hang), and everything heals once storage is back.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class StorageFaultScenarios(AzuriteFixture azurite)
{
    /// <summary>Longer than the budgets below and far shorter than the SDK's defaults: a request past it has hung.</summary>
    private static readonly TimeSpan ClientLimit = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task When_storage_is_unreachable_Should_answer_every_route_503_problem_with_retry_after()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestStorage.Unreachable(),
            ["LocalHost:QueuePump"] = "false",
            ["LocalHost:TimerTriggers"] = "false",
        });

        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.EndsWith("/storage-unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        await AssertEveryStorageRouteAnswers503Async(system);
    }

    /// <summary>
    /// Storage hangs (connections taken, nothing answered) mid-life while eight clients submit: within the 2 s budget
    /// every request and every route answers 503 with Retry-After; once storage is back (ready answers 200), each client's
    /// retries with the same key (202 or 503, nothing else) end in one payment, charged once — even though the hung first
    /// attempts' writes reach storage late.
    /// </summary>
    [Fact]
    public async Task When_storage_hangs_while_clients_submit_Should_answer_503_within_the_budget_and_each_retry_with_the_same_key_gives_one_payment()
    {
        await using var relay = StorageRelay.To(TestSystem.Kind == HostKind.Real ? azurite.NewAccount() : azurite.ConnectionString);
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = relay.ConnectionString,
            ["PaymentIntake:StorageTimeout"] = "00:00:02",
            ["PaymentIntake:StorageTryTimeout"] = "00:00:01",
        });
        using (var warm = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment()))
        {
            Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);
        }

        var keys = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid().ToString()).ToArray();
        relay.Frozen = true;
        var during = await Task.WhenAll(keys.Select(async key =>
        {
            using var answer = await WithinClientLimitAsync(system.Client, Submit(key));
            return $"{(int)answer.StatusCode} retry-after {answer.Headers.RetryAfter is not null}";
        }));
        Assert.All(during, answer => Assert.Equal("503 retry-after True", answer));
        await AssertEveryStorageRouteAnswers503Async(system);
        relay.Frozen = false;
        await Poll.UntilAsync(
            async () => { using var ready = await WithinClientLimitAsync(system.Admin, new HttpRequestMessage(HttpMethod.Get, "/api/ready")); return ready.StatusCode; },
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), status => $"/api/ready still {status} after storage thawed");

        // Each client retries its key as a client told Retry-After does: the held writes of the hung attempts arrive all
        // at once when storage thaws, so a retry may still meet the budget — 503 again, never anything else — until 202.
        var paymentIds = await Task.WhenAll(keys.Select(async key =>
        {
            var accepted = await Poll.UntilAsync(
                async () =>
                {
                    using var retry = await WithinClientLimitAsync(system.Client, Submit(key));
                    Assert.True(retry.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"retry of {key}: {(int)retry.StatusCode}");
                    return retry.StatusCode == HttpStatusCode.Accepted ? (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString() : null;
                },
                paymentId => paymentId is not null, TimeSpan.FromSeconds(30), _ => $"retry of {key} still 503 30 s after storage thawed");
            return accepted!;
        }));
        foreach (var paymentId in paymentIds)
        {
            await system.WaitForStatusAsync(paymentId, "posted");
        }

        Assert.Equal(keys.Length, paymentIds.Distinct().Count());
        Assert.All(paymentIds, paymentId => Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId)));
    }

    /// <summary>
    /// Storage gone before the first request, then back: the first request answers 503, and once storage is back the
    /// next is accepted — a creation that failed is tried again, not kept as a failure for the life of the instance.
    /// </summary>
    [Fact]
    public async Task When_storage_is_away_at_the_first_request_and_comes_back_Should_accept_the_next_payment()
    {
        await using var relay = StorageRelay.To(TestSystem.Kind == HostKind.Real ? azurite.NewAccount() : azurite.ConnectionString);
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = relay.ConnectionString,
            ["LocalHost:QueuePump"] = "false",
            ["LocalHost:TimerTriggers"] = "false",
        });

        relay.Up = false;
        using var during = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        relay.Up = true;
        using var after = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
    }

    private static HttpRequestMessage Submit(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = JsonContent.Create(TestSystem.Payment()) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>Sends as a client with a 15 s limit does; a request still unanswered then fails the test as hung.</summary>
    private static async Task<HttpResponseMessage> WithinClientLimitAsync(HttpClient client, HttpRequestMessage request)
    {
        using var limit = new CancellationTokenSource(ClientLimit);
        try
        {
            return await client.SendAsync(request, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"{request.Method} {request.RequestUri} hung: no answer within the client's {ClientLimit.TotalSeconds} s.");
        }
    }

    /// <summary>Every other route that reads or writes storage answers 503 with Retry-After (never 500, never a hang).</summary>
    private static async Task AssertEveryStorageRouteAnswers503Async(TestSystem system)
    {
        (HttpClient Client, HttpMethod Method, string Path, HttpContent? Body)[] calls =
        [
            (system.Admin, HttpMethod.Get, "/api/ready", null),
            (system.Admin, HttpMethod.Get, "/api/payments/pay_00000000000000000000000000000000", null),
            (system.Lockbox, HttpMethod.Put, "/api/batches/outage", new StringContent("member_id,invoice_id,amount,check_number,received_date\nM-1,,100,1001,2013-05-01\n", Encoding.UTF8, "text/csv")),
            (system.Admin, HttpMethod.Get, "/api/batches/outage", null),
            (system.Admin, HttpMethod.Get, "/api/ops/status", null),
            (system.Admin, HttpMethod.Get, "/api/ops/poison", null),
            (system.Admin, HttpMethod.Get, "/api/ops/poison/0000", null),
            (system.Admin, HttpMethod.Post, "/api/ops/poison/replay", JsonContent.Create(new { all = true, dryRun = true })),
        ];
        var answers = await Task.WhenAll(calls.Select(async call =>
        {
            using var answer = await WithinClientLimitAsync(call.Client, new HttpRequestMessage(call.Method, call.Path) { Content = call.Body });
            return $"{call.Method} {call.Path}: {(int)answer.StatusCode} retry-after {answer.Headers.RetryAfter is not null}";
        }));
        Assert.Equal(calls.Select(c => $"{c.Method} {c.Path}: 503 retry-after True"), answers);
    }
}
