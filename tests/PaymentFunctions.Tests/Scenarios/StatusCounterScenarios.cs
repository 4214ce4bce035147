using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Payments;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class StatusCounterScenarios(AzuriteFixture azurite)
{
    [Fact]
    public async Task When_many_instances_count_at_once_Should_count_each_increment_it_reports_and_no_more()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:QueuePump"] = "false" });
        var counters = system.Service<StatusCounters>();

        // More concurrent increments than shards, so several collide on one row and must win by retrying on the ETag.
        // Counting is best effort by contract (a counter that stays contended is skipped and logged), so the test holds
        // it to what it reports: every reported count is stored, none twice, and none is made up.
        var statuses = Enumerable.Range(0, 48).Select(i => i % 3 == 0 ? "declined" : "posted").ToList();
        var counted = await Task.WhenAll(statuses.Select(s => counters.CountAsync(s, CancellationToken.None)));

        var now = DateTimeOffset.UtcNow;
        var sums = await counters.SumAsync(now.AddHours(-1), now, CancellationToken.None);
        Assert.Equal(statuses.Where((s, i) => s == "posted" && counted[i]).Count(), sums.GetValueOrDefault("posted"));
        Assert.Equal(statuses.Where((s, i) => s == "declined" && counted[i]).Count(), sums.GetValueOrDefault("declined"));
        Assert.True(counted.Count(c => c) >= 40, $"Only {counted.Count(c => c)} of 48 increments were counted.");
    }
}
