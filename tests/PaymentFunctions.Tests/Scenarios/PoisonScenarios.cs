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
}
