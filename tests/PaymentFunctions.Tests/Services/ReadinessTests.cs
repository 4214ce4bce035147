using Azure.Storage.Queues;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Operations;
using PaymentIntake.Storage;

namespace PaymentFunctions.Tests.Services;

/// <summary>Readiness (<c>GET /api/ready</c>) and the minute's operations snapshot the alerts read.</summary>
[Collection(EndToEnd.Name)]
public sealed class ReadinessTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Readiness_WithStorage_IsReady_AndReportsTheVendor()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        await core.Get<QueueServiceClient>().GetQueueClient(core.Get<StorageNames>().PaymentsQueue).CreateIfNotExistsAsync();

        var report = await core.Get<Readiness>().CheckAsync(CancellationToken.None);

        Assert.Equal(new ReadinessReport(true, "ok", "up"), report);
    }

    [Fact]
    public async Task Readiness_WithoutStorage_IsNotReady_AndSaysWhy()
    {
        var nowhere = TestStorage.Unreachable();
        await using var core = await CoreServices.StartAsync(azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = nowhere });

        var report = await core.Get<Readiness>().CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.StartsWith("unavailable", report.Storage, StringComparison.Ordinal);
        Assert.Equal("unknown", report.Vendor);
    }

    [Fact]
    public async Task Snapshot_CountsFailedBatches_FromTheBatchPoisonQueue()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var names = core.Get<StorageNames>();
        var batchesPoison = core.Get<QueueServiceClient>().GetQueueClient(QueueNames.PoisonOf(names.BatchesQueue));
        await batchesPoison.CreateIfNotExistsAsync();
        await batchesPoison.SendMessageAsync("batch-1");
        await batchesPoison.SendMessageAsync("batch-2");

        var status = await core.Get<OperationsSnapshot>().ReportAsync(CancellationToken.None);

        Assert.Equal(2, status.Queues.BatchesPoison);
        Assert.Equal("up", status.Vendor.State);
        Assert.Equal(0, status.InFlight.Total);
    }
}
