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
    [InlineData("""{"paymentId":"pay_0123456789abcdef0123456789abcdef"}""")]
    [InlineData("this is not a payment message")]
    public async Task When_a_message_cannot_be_processed_Should_end_in_poison_after_max_dequeue_count(string body)
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var queue = system.Queue("payments");

        await SendBase64Async(queue, body);

        var poisoned = await system.WaitForPoisonAsync(1);
        Assert.Equal(body, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(poisoned))));
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
