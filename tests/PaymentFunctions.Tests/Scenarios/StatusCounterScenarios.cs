using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Payments;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class StatusCounterScenarios(AzuriteFixture azurite)
{
    [Fact]
    public async Task When_many_instances_count_at_once_Should_lose_no_count()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:QueuePump"] = "false" });
        var counters = system.Service<StatusCounters>();

        // More concurrent increments than shards, so several collide on one row and must win by retrying on the ETag.
        await Task.WhenAll(Enumerable.Range(0, 48).Select(i => counters.CountAsync(i % 3 == 0 ? "declined" : "posted", CancellationToken.None)));

        var now = DateTimeOffset.UtcNow;
        var sums = await counters.SumAsync(now.AddHours(-1), now, CancellationToken.None);
        Assert.Equal(32, sums["posted"]);
        Assert.Equal(16, sums["declined"]);
        Assert.Equal(2, sums.Count);
    }
}
