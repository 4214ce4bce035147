using Azure.Data.Tables;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Posting.Takeover;
using PaymentIntake.Posting.Vendor;
using PaymentIntake.Storage;

namespace PaymentFunctions.Tests.Services;

/// <summary>
/// Two instances sharing the vendor's rate through one storage account (refresh 200 ms): when one has nothing left to
/// post, it says so in its heartbeat and the other gets the whole rate within a few refresh periods, not after the
/// heartbeat's time-to-live; when work comes back, it joins anew and the rate is split again.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class RateShareIdleTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CurrentAsync_WhenTheOtherInstanceFinishedItsWork_IsTheWholeRate_AndHalfAgainOnceItWorks()
    {
        await using var a = await CoreServices.StartAsync(azurite);
        await using var b = await CoreServices.StartAsync(azurite, new Dictionary<string, string?> { ["PaymentIntake:NamePrefix"] = a.Prefix });
        var table = new TableClient(a.Storage, a.Get<StorageNames>().VendorRateTable);
        var bInstance = b.Get<InstanceHeartbeat>().Instance;

        // A sends all along (asks for its share as a poster does before each request); alone at first, it has it all.
        var aFirst = await a.Get<VendorRateShares>().CurrentAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var aSends = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await a.Get<VendorRateShares>().CurrentAsync(CancellationToken.None);
                await Task.Delay(50);
            }
        });

        // B posts too: it joins (waits while A sends), then each has half.
        var work = await b.Get<InstanceHeartbeat>().WorkOnAsync("pay_of_b", CancellationToken.None);
        var bHalf = await b.Get<VendorRateShares>().CurrentAsync(CancellationToken.None);
        var aHalf = await Poll.UntilAsync(() => a.Get<VendorRateShares>().CurrentAsync(CancellationToken.None), share => share == 0.5, TimeSpan.FromSeconds(10), share => $"A's share {share}, not half, with B posting.");

        // B is done and sends nothing more: its heartbeat says idle, and A's share becomes the whole rate.
        await work.DisposeAsync();
        var idle = await Poll.UntilAsync(
            async () => (await table.GetEntityAsync<TableEntity>(InstanceHeartbeat.Partition, bInstance)).Value,
            e => e.GetBoolean("Idle") == true,
            TimeSpan.FromSeconds(10),
            e => $"B's heartbeat still not idle (working '{e.GetString("Working")}').");
        var aAlone = await Poll.UntilAsync(() => a.Get<VendorRateShares>().CurrentAsync(CancellationToken.None), share => share == 1, TimeSpan.FromSeconds(5), share => $"A's share {share} with B idle.");

        // Work comes to B again: it joins anew (it waits while A sends), and both have half again.
        await using var again = await b.Get<InstanceHeartbeat>().WorkOnAsync("pay_of_b_2", CancellationToken.None);
        var rejoined = (await table.GetEntityAsync<TableEntity>(InstanceHeartbeat.Partition, bInstance)).Value;
        var bAgain = await b.Get<VendorRateShares>().CurrentAsync(CancellationToken.None);
        var aAgain = await Poll.UntilAsync(() => a.Get<VendorRateShares>().CurrentAsync(CancellationToken.None), share => share == 0.5, TimeSpan.FromSeconds(10), share => $"A's share {share} with B posting again.");

        await stop.CancelAsync();
        await aSends;
        Assert.Equal((1.0, 0.5, 0.5, 1.0, 0.5, 0.5), (aFirst, bHalf, aHalf, aAlone, bAgain, aAgain));
        Assert.False(rejoined.GetBoolean("Idle"));
        Assert.True(rejoined.GetDateTimeOffset("JoinedAt") > idle.GetDateTimeOffset("JoinedAt"), "B did not join anew after being idle.");
    }
}
