using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class RequestValidationScenarios(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task When_the_function_key_is_missing_or_wrong_Should_answer_401(string? key)
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var client = new HttpClient { BaseAddress = system.Host.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = JsonContent.Create(TestSystem.Payment()) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/payments/pay_00000000000000000000000000000000")).StatusCode);
    }

    [Fact]
    public async Task When_the_key_comes_as_code_query_Should_be_accepted_and_the_master_key_alone_Should_get_403()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var client = new HttpClient { BaseAddress = system.Host.BaseUrl };

        using var byCodeRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/payments/pay_00000000000000000000000000000000?code={system.Host.GateKey("local-intake")}");
        system.Host.SignInWithoutKey(byCodeRequest.Headers, "local-intake");
        using var byCode = await client.SendAsync(byCodeRequest);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/payments/pay_00000000000000000000000000000000");
        request.Headers.Add("x-functions-key", system.Host.MasterKey);
        using var byMaster = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, byCode.StatusCode);
        // The master key passes the key gate but names no caller, so no role: nobody needs it for daily work.
        Assert.Equal(HttpStatusCode.Forbidden, byMaster.StatusCode);
        Assert.Equal("application/problem+json", byMaster.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The Functions host answers a known route with a method it does not take as it answers an unknown route: an empty 404.</summary>
    [Fact]
    public async Task When_a_route_is_called_with_a_method_it_does_not_take_Should_answer_an_empty_404()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var client = new HttpClient { BaseAddress = system.Host.BaseUrl };
        (string Method, string Path)[] calls = [("PUT", "/api/payments"), ("DELETE", "/api/payments"), ("OPTIONS", "/api/payments"), ("HEAD", "/api/health"), ("DELETE", "/api/ops/poison/0000")];

        var answers = new List<string>();
        foreach (var (method, path) in calls)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            system.Host.SignIn(request.Headers, "local-ops");
            using var response = await client.SendAsync(request);
            answers.Add($"{method} {path}: {(int)response.StatusCode} with {(await response.Content.ReadAsByteArrayAsync()).Length} bytes");
        }

        Assert.Equal(calls.Select(c => $"{c.Method} {c.Path}: 404 with 0 bytes"), answers);
    }

    [Fact]
    public async Task When_ready_is_asked_on_a_fresh_storage_account_Should_answer_200()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var client = new HttpClient { BaseAddress = system.Host.BaseUrl };

        using var response = await client.GetAsync("/api/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task When_health_is_asked_without_a_key_Should_answer_200()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var client = new HttpClient { BaseAddress = system.Host.BaseUrl };

        using var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task When_the_body_is_invalid_Should_answer_400_problem_with_the_field_errors()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        (string Body, string Field)[] cases =
        [
            ("""{"memberId":"M1","amount":12.5,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "amount"),
            ("""{"memberId":"M1","amount":-100,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "amount"),
            ("""{"memberId":"M1","amount":100,"currency":"abc","paymentMethodId":"pm_card_visa"}""", "currency"),
            ("""{"amount":100,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "memberId"),
            ("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":"4242424242424242"}""", "paymentMethodId"),
            ("""{"memberId":"M1",""", "body"),
        ];

        foreach (var (body, field) in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

            using var response = await system.Client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.EndsWith("/validation", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
            var errors = problem.GetProperty("errors");
            Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
            Assert.NotEmpty(errors.GetProperty(field).EnumerateArray());
        }
    }

    [Fact]
    public async Task When_the_idempotency_key_is_missing_Should_answer_400_naming_the_header()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await system.Client.PostAsJsonAsync("/api/payments", TestSystem.Payment());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    [Fact]
    public async Task When_a_payment_is_unknown_Should_answer_404_problem()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await system.Client.GetAsync("/api/payments/pay_00000000000000000000000000000000");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
