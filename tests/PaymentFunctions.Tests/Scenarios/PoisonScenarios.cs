using Azure.Storage.Queues;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class PoisonScenarios(AzuriteFixture azurite)
{
    private static async Task SendBase64Async(QueueClient queue, string text)
    {
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("""{"paymentId":"pay_0123456789abcdef0123456789abcdef"}""", "PaymentNotFoundException")]
    [InlineData("this is not a payment message", "InvalidPaymentMessageException")]
    public async Task When_a_message_cannot_be_processed_Should_end_in_poison_after_max_dequeue_count_with_its_reason(string body, string expectedException)
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var queue = system.Queue("payments");

        await SendBase64Async(queue, body);

        var poisoned = Assert.Single(await system.WaitForPoisonAsync(1));
        Assert.Equal(body, poisoned.GetProperty("body").GetString());
        Assert.Equal("max_dequeue_count", poisoned.GetProperty("reason").GetString());
        Assert.Equal(expectedException, poisoned.GetProperty("exceptionType").GetString());
        Assert.Equal(TestSystem.MaxDequeueCount, poisoned.GetProperty("attempts").GetInt32());
        Assert.StartsWith("fp_", poisoned.GetProperty("fingerprint").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    /// <summary>
    /// A message that is not base64 (a foreign writer, a wrong encoding) is moved to payments-poison unread by the host
    /// (the Storage Queues extension's rule) and no function could decode it there; it must still reach operators.
    /// </summary>
    [Fact]
    public async Task When_a_message_is_not_base64_Should_be_listed_with_its_raw_body_and_replayable()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var queue = system.Queue("payments");
        await queue.CreateIfNotExistsAsync();
        const string raw = "{not base64: a foreign writer's text}";

        await queue.SendMessageAsync(raw);

        var poisoned = Assert.Single(await system.WaitForPoisonAsync(1));
        Assert.Equal(raw, poisoned.GetProperty("body").GetString());
        Assert.Equal("undecodable", poisoned.GetProperty("reason").GetString());
        Assert.Equal("FormatException", poisoned.GetProperty("exceptionType").GetString());
        Assert.False(poisoned.TryGetProperty("paymentId", out _));
        Assert.Equal(0, (await system.Queue("payments-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var id = poisoned.GetProperty("id").GetString()!;
        using var detail = await system.Admin.GetAsync($"/api/ops/poison/{id}");
        Assert.Equal(System.Net.HttpStatusCode.OK, detail.StatusCode);

        using var replay = await system.Admin.PostAsync("/api/ops/poison/replay", System.Net.Http.Json.JsonContent.Create(new { ids = new[] { id } }));
        var result = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(replay.Content);

        Assert.Equal(System.Net.HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(id, Assert.Single(result.GetProperty("replayed").EnumerateArray()).GetString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await system.Admin.GetAsync($"/api/ops/poison/{id}")).StatusCode);
    }

    /// <summary>
    /// RecordPoison on its own schedule (every 10 s; no test interval, and on the real host no help from the test
    /// process): the host's timer trigger itself must run it.
    /// </summary>
    [Fact]
    public async Task When_RecordPoison_keeps_its_schedule_Should_record_a_poisoned_message_within_its_period()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:Timers:RecordPoison"] = null });
        var queue = system.Queue("payments");
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("not base64 either");

        var poisoned = Assert.Single(await system.WaitForPoisonAsync(1, TimeSpan.FromSeconds(40)));
        Assert.Equal("undecodable", poisoned.GetProperty("reason").GetString());
    }
}
