using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using PaymentIntake.Storage;

namespace PaymentIntake.Batches;

/// <summary>A batch's row in table <c>batches</c>.</summary>
public sealed record BatchRecord(string BatchId, string ContentHash, string Status, string RawBlob, DateTimeOffset ReceivedAt, ETag ETag)
{
    /// <summary>Size of the file.</summary>
    public long Bytes { get; init; }

    /// <summary>Data lines in the file.</summary>
    public int Lines { get; init; }

    /// <summary>Lines recorded so far.</summary>
    public int LinesProcessed { get; init; }

    /// <summary>The caller that uploaded it.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>Lines recorded as payments, once complete (written by <see cref="BatchStore.CompleteAsync"/>).</summary>
    public int AcceptedCount { get; init; }

    /// <summary>Lines rejected, once complete.</summary>
    public int RejectedCount { get; init; }

    /// <summary>The lines that held a card number (masked in the stored copy): rejected when the batch is processed.</summary>
    public IReadOnlyList<int> CardLines { get; init; } = [];
}

/// <summary>Batch rows, raw files and reports; and the index of accepted checks (table <c>checks</c>).</summary>
public sealed class BatchStore(TableServiceClient tables, BlobServiceClient blobs, StorageNames names)
{
    /// <summary>Batch being processed.</summary>
    public const string Processing = "processing";

    /// <summary>Batch processed; its report is stored.</summary>
    public const string Complete = "complete";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly LazyTable _batches = new(tables, names.BatchesTable);
    private readonly LazyTable _checks = new(tables, names.ChecksTable);
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(names.BatchesContainer);
    private readonly CreatedOnce _containerCreated = new(() => blobs.GetBlobContainerClient(names.BatchesContainer).CreateIfNotExistsAsync(), blobs.GetBlobContainerClient(names.BatchesContainer).Uri);

    /// <summary>A blob for raw content or reports.</summary>
    public async Task<BlobClient> BlobAsync(string name)
    {
        await _containerCreated.EnsureAsync().ConfigureAwait(false);
        return _container.GetBlobClient(name);
    }

    /// <summary>Reads a batch row.</summary>
    public async Task<BatchRecord?> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        var table = await _batches.ReadyAsync().ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(batchId, "batch", cancellationToken: cancellationToken).ConfigureAwait(false);
        return e.HasValue ? FromEntity(e.Value!) : null;
    }

    /// <summary>
    /// The batches received most recently, newest first, at most <paramref name="limit"/>. One query of table
    /// <c>batches</c> (a row per batch, one file a day from each lockbox: it stays small).
    /// </summary>
    public async Task<IReadOnlyList<BatchRecord>> ListRecentAsync(int limit, CancellationToken cancellationToken)
    {
        var table = await _batches.ReadyAsync().ConfigureAwait(false);
        var rows = new List<BatchRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.RowKey == "batch", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(FromEntity(e));
        }

        return rows.OrderByDescending(r => r.ReceivedAt).ThenBy(r => r.BatchId, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>Inserts a batch row if there is none; false if one exists.</summary>
    public async Task<bool> TryAddAsync(BatchRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await _batches.ReadyAsync().ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(ToEntity(record), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Marks a batch complete.</summary>
    public async Task CompleteAsync(BatchRecord record, BatchReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(report);
        var blob = await BlobAsync(ReportBlob(record.BatchId)).ConfigureAwait(false);
        await blob.UploadAsync(BinaryData.FromObjectAsJson(report, Json), overwrite: true, cancellationToken).ConfigureAwait(false);
        var table = await _batches.ReadyAsync().ConfigureAwait(false);
        var entity = ToEntity(record with { Status = Complete });
        entity["Accepted"] = report.AcceptedCount;
        entity["Rejected"] = report.RejectedCount;
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records how many lines are processed (progress for <c>GET /api/batches/{batchId}</c>).</summary>
    public async Task ProgressAsync(string batchId, int linesProcessed, CancellationToken cancellationToken)
    {
        var table = await _batches.ReadyAsync().ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(batchId, "batch") { ["LinesProcessed"] = linesProcessed }, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a batch row (a file that could not be read as a batch keeps no claim on its id).</summary>
    public async Task RemoveAsync(string batchId, CancellationToken cancellationToken)
    {
        var table = await _batches.ReadyAsync().ConfigureAwait(false);
        await table.DeleteEntityAsync(batchId, "batch", ETag.All, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored report, or null.</summary>
    public async Task<BatchReport?> GetReportAsync(string batchId, CancellationToken cancellationToken)
    {
        var blob = await BlobAsync(ReportBlob(batchId)).ConfigureAwait(false);
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson<BatchReport>(Json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Claims a check for a batch line; returns the earlier claim when another batch has it.</summary>
    public async Task<(string BatchId, int Line)?> ClaimCheckAsync(string memberId, string checkNumber, string batchId, int line, string paymentId, CancellationToken cancellationToken)
    {
        var table = await _checks.ReadyAsync().ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(memberId, checkNumber) { ["BatchId"] = batchId, ["Line"] = line, ["PaymentId"] = paymentId }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = (await table.GetEntityAsync<TableEntity>(memberId, checkNumber, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var owner = existing.GetString("BatchId") ?? "";
            return owner == batchId ? null : (owner, existing.GetInt32("Line") ?? 0);
        }
    }

    private static string ReportBlob(string batchId) => $"reports/{batchId}.json";

    private static TableEntity ToEntity(BatchRecord r) => new(r.BatchId, "batch")
    {
        ["ContentHash"] = r.ContentHash,
        ["Status"] = r.Status,
        ["RawBlob"] = r.RawBlob,
        ["ReceivedAt"] = r.ReceivedAt,
        ["Bytes"] = r.Bytes,
        ["Lines"] = r.Lines,
        ["LinesProcessed"] = r.LinesProcessed,
        ["SubmittedBy"] = r.SubmittedBy,
        ["CardLines"] = r.CardLines.Count == 0 ? null : string.Join(',', r.CardLines),
    };

    private static BatchRecord FromEntity(TableEntity e) => new(
        e.PartitionKey, e.GetString("ContentHash") ?? "", e.GetString("Status") ?? "", e.GetString("RawBlob") ?? "", e.GetDateTimeOffset("ReceivedAt") ?? default, e.ETag)
    {
        Bytes = e.GetInt64("Bytes") ?? 0,
        Lines = e.GetInt32("Lines") ?? 0,
        LinesProcessed = e.GetInt32("LinesProcessed") ?? 0,
        SubmittedBy = e.GetString("SubmittedBy"),
        AcceptedCount = e.GetInt32("Accepted") ?? 0,
        RejectedCount = e.GetInt32("Rejected") ?? 0,
        CardLines = e.GetString("CardLines") is { Length: > 0 } lines ? lines.Split(',').Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToList() : [],
    };
}
