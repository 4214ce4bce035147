using System.Text;
using Azure.Data.Tables;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Batches;
using PaymentIntake.Payments;
using PaymentIntake.Storage;

namespace PaymentFunctions.Tests.Services;

/// <summary>The batch service alone: accepted at once, recorded from the queue, safe to process again after a crash.</summary>
[Collection(EndToEnd.Name)]
public sealed class BatchServiceTests(AzuriteFixture azurite)
{
    private static MemoryStream Csv(int lines)
    {
        var csv = new StringBuilder("member_id,invoice_id,amount,check_number,received_date\n");
        for (var i = 1; i <= lines; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"M-{i},in_{i},1.00,{i},{DateTime.UtcNow:yyyy-MM-dd}\n");
        }

        csv.Append("M-bad,in_x,abc,9999,2026-01-01\n");
        return new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
    }

    [Fact]
    public async Task ProcessAsync_AfterACrashBeforeTheReport_RecordsEveryLineOnceAndGivesTheSameReport()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var batches = core.Get<BatchService>();
        using var file = Csv(1200);
        var accepted = Assert.IsType<BatchUploadResult.Accepted>(await batches.UploadAsync("lockbox", "crash", file, file.Length, CancellationToken.None));
        Assert.Equal(("processing", 1201, 0), (accepted.Status.Status, accepted.Status.Lines, accepted.Status.LinesProcessed));

        await batches.ProcessAsync("crash", CancellationToken.None);
        var first = (await batches.GetReportAsync("crash", CancellationToken.None))!;
        // The process died after recording every line but before the batch was marked complete: the message comes again.
        var rows = new TableClient(core.Storage, core.Prefix + "batches");
        await rows.UpsertEntityAsync(new TableEntity("crash", "batch") { ["Status"] = BatchStore.Processing, ["LinesProcessed"] = 500 }, TableUpdateMode.Merge);
        Assert.Equal(500, (await batches.GetReportAsync("crash", CancellationToken.None))!.LinesProcessed);
        await batches.ProcessAsync("crash", CancellationToken.None);
        var second = (await batches.GetReportAsync("crash", CancellationToken.None))!;

        Assert.Equal((1200, 1, 1201), (first.AcceptedCount, first.RejectedCount, first.LinesProcessed));
        Assert.Equal(first.Accepted.Select(a => (a.Line, a.PaymentId)), second.Accepted.Select(a => (a.Line, a.PaymentId)));
        Assert.Equal((1200, 1), (second.AcceptedCount, second.RejectedCount));
        var payments = new TableClient(core.Storage, core.Prefix + "payments");
        var count = 0;
        await foreach (var _ in payments.QueryAsync<TableEntity>(e => e.RowKey == PaymentRow.PaymentRowKey, select: ["PartitionKey"]))
        {
            count++;
        }

        Assert.Equal(1200, count);
        Assert.True(await core.QueueDepthAsync(QueueNames.Payments) >= 1200); // each payment queued (a re-run may queue again: harmless)
    }

    [Fact]
    public async Task UploadAsync_SameContentWhileProcessing_IsAcceptedAgainAndOtherContentConflicts()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var batches = core.Get<BatchService>();
        using var file = Csv(3);
        using var again = Csv(3);
        using var other = Csv(4);

        Assert.IsType<BatchUploadResult.Accepted>(await batches.UploadAsync("lockbox", "twice", file, file.Length, CancellationToken.None));
        var second = Assert.IsType<BatchUploadResult.Accepted>(await batches.UploadAsync("lockbox", "twice", again, again.Length, CancellationToken.None));
        var conflict = await batches.UploadAsync("lockbox", "twice", other, other.Length, CancellationToken.None);

        Assert.False(second.Created);
        Assert.IsType<BatchUploadResult.Conflict>(conflict);
        Assert.Equal(2, await core.QueueDepthAsync(QueueNames.Batches)); // queued again: a stalled batch is picked up
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    public async Task UploadAsync_BatchIdThatIsAPathSegment_IsRefused(string batchId)
    {
        await using var core = await CoreServices.StartAsync(azurite);
        using var file = Csv(1);

        var invalid = Assert.IsType<BatchUploadResult.Invalid>(await core.Get<BatchService>().UploadAsync("lockbox", batchId, file, file.Length, CancellationToken.None));

        Assert.Equal("batchId", invalid.Field);
    }

    [Fact]
    public async Task UploadAsync_FileWithACardNumber_RecordsTheOtherLines_AndStoresTheFileMasked_WithAKeyedHash()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var csv = $"member_id,invoice_id,amount,check_number,received_date,payer_name\nM-1,in_1,1.00,1,{today},Card 4242 4242 4242 4242\nM-2,in_2,2.00,2,{today},Ann Lee\n";
        var bytes = System.Text.Encoding.UTF8.GetBytes(csv);
        using var file = new MemoryStream(bytes);
        var batches = core.Get<BatchService>();

        Assert.IsType<BatchUploadResult.Accepted>(await batches.UploadAsync("lockbox", "cards", file, file.Length, CancellationToken.None));
        await batches.ProcessAsync("cards", CancellationToken.None);

        var report = (await batches.GetReportAsync("cards", CancellationToken.None))!;
        Assert.Equal((1, 1), (report.AcceptedCount, report.RejectedCount));
        Assert.Equal(3, Assert.Single(report.Accepted).Line);
        Assert.Equal((2, PaymentIntake.Batches.CheckLineParser.CardNumberReason), (report.Rejected[0].Line, report.Rejected[0].Reasons.Single()));
        var raw = new Azure.Storage.Blobs.BlobServiceClient(core.Storage).GetBlobContainerClient(core.Get<PaymentIntake.Storage.StorageNames>().BatchesContainer).GetBlobClient(report.RawFile);
        var stored = (await raw.DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(csv.Replace("4242 4242 4242 4242", "**** **** **** 4242", StringComparison.Ordinal), stored);
        // The hash is over the uploaded bytes, keyed: not the bare SHA-256 one could test guesses against.
        Assert.Matches("^[0-9a-f]{64}$", report.ContentHash);
        Assert.NotEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), report.ContentHash);
        using var again = new MemoryStream(bytes);
        Assert.IsType<BatchUploadResult.Done>(await batches.UploadAsync("lockbox", "cards", again, again.Length, CancellationToken.None));
    }
}
