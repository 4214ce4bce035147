using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>Every route × role: allowed, or 403 problem+json; callers never share or read each other's payments.</summary>
[Collection(EndToEnd.Name)]
public sealed class RoleScenarios(AzuriteFixture azurite)
{
    private static readonly string[] Callers = ["local-intake", "local-lockbox", "local-ops"];

    /// <summary>Route, method, and the callers allowed (the others must get 403).</summary>
    private static readonly (string Method, string Path, string Allowed)[] Routes =
    [
        ("POST", "/api/payments", "local-intake"),
        ("GET", "/api/payments/pay_00000000000000000000000000000000", "local-intake local-ops"),
        ("PUT", "/api/batches/roles", "local-lockbox"),
        ("GET", "/api/batches/roles", "local-lockbox local-ops"),
        ("GET", "/api/ops/status", "local-ops"),
        ("GET", "/api/ops/poison", "local-ops"),
        ("GET", "/api/ops/poison/0000", "local-ops"),
        ("POST", "/api/ops/poison/replay", "local-ops"),
    ];

    private static HttpRequestMessage Request(string method, string path, IAppInstance host, string caller)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        host.SignIn(request.Headers, caller);
        request.Content = method switch
        {
            "POST" when path.EndsWith("/payments", StringComparison.Ordinal) => JsonContent.Create(TestSystem.Payment()),
            "POST" => JsonContent.Create(new { ids = new[] { "0000" }, dryRun = true }),
            "PUT" => new StringContent("member_id,invoice_id,amount,check_number,received_date\n", Encoding.UTF8, "text/csv"),
            _ => null,
        };
        if (method == "POST" && path.EndsWith("/payments", StringComparison.Ordinal))
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }

        return request;
    }

    [Fact]
    public async Task When_each_caller_calls_each_route_Should_pass_only_with_its_role()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:QueuePump"] = "false", ["LocalHost:TimerTriggers"] = "false" });
        using var client = new HttpClient { BaseAddress = system.Host.BaseUrl };

        foreach (var (method, path, allowed, caller) in Routes.SelectMany(r => Callers.Select(c => (r.Method, r.Path, r.Allowed, c))))
        {
            using var request = Request(method, path, system.Host, caller);
            using var response = await client.SendAsync(request);

            if (allowed.Split(' ').Contains(caller))
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized), $"{caller} {method} {path}: {response.StatusCode}");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{caller} {method} {path}: {response.StatusCode}, 403 expected");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.EndsWith("/forbidden", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task When_two_intake_callers_use_the_same_idempotency_key_Should_make_two_payments_each_readable_only_by_its_caller()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["LocalHost:Callers:other-front-end:Key"] = "other-front-end-key",
            ["LocalHost:Callers:other-front-end:Roles:0"] = "intake",
        });
        using var other = system.Host.ClientFor("other-front-end");
        var key = "order-1001";

        using var first = await system.SubmitAsync(key, TestSystem.Payment());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = JsonContent.Create(TestSystem.Payment(amount: 99)) };
        request.Headers.Add("Idempotency-Key", key);
        using var second = await other.SendAsync(request);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode));
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        Assert.NotEqual(firstId, secondId);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/payments/{firstId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Client.GetAsync($"/api/payments/{firstId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Admin.GetAsync($"/api/payments/{secondId}")).StatusCode);
        await system.WaitForStatusAsync(firstId, "posted");
        await system.WaitForPaymentAsync(secondId, p => p.GetProperty("status").GetString() == "posted", client: other);
    }

    /// <summary>Local only: on Azure the platform drops such a header; the real host build here has no Easy Auth, so tests send it.</summary>
    [Fact]
    [Trait("Host", TestHosts.LocalOnly)]
    public async Task When_a_client_sends_its_own_principal_header_Should_be_ignored()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:QueuePump"] = "false" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ops/status");
        request.Headers.Add("x-functions-key", system.Host.GateKey("local-intake"));
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL", new Http.CallerPrincipal("forger", new HashSet<string> { "operations" }).ToHeader());

        using var response = await new HttpClient { BaseAddress = system.Host.BaseUrl }.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
