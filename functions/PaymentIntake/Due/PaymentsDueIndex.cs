using System.Globalization;
using Azure;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Due;

/// <summary>One entry of the due index: the second it is due, the payment, and when the payment was accepted (absent on entries written before it was recorded).</summary>
public sealed record DueEntry(string Bucket, string PaymentId, DateTimeOffset? AcceptedAt);

/// <summary>
/// An index of payments by the second by which they must have made progress (table <c>paymentsdue</c>:
/// PartitionKey = that second, <c>yyyyMMddHHmmss</c>; RowKey = payment id; <c>AcceptedAt</c>). The reconciler reads only the key range of the seconds that
/// have passed since its checkpoint, so its cost follows the payments in flight, not the size of table <c>payments</c>.
/// <see cref="Payments.PaymentRepository"/> writes a payment's entry before its row (at intake and at a replay) and
/// removes it when the payment is settled (<c>posted</c>, <c>declined</c>, <c>failed</c>), so the index holds the
/// payments in flight. The reconciler moves an entry it examined to the payment's next due time; the row's
/// <see cref="Payments.Payment.DueAt"/> then still names the first one, so a payment settled after such a move leaves its
/// moved entry behind until it comes due (at most <c>Posting:ReconcileAfter</c>), when the reconciler drops it.
/// </summary>
public sealed class PaymentsDueIndex
{
    private const string CheckpointPartition = "checkpoint";
    private const string AcceptedAtColumn = "AcceptedAt";
    private readonly LazyTable _table;

    /// <summary>Creates the index.</summary>
    public PaymentsDueIndex(TableServiceClient tables, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(names);
        _table = new LazyTable(tables, names.PaymentsDueTable);
    }

    /// <summary>A bucket after every real one.</summary>
    public const string LastBucket = "99991231235959";

    /// <summary>The partition (second) of a due time.</summary>
    public static string Bucket(DateTimeOffset due) => due.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>The start of a bucket.</summary>
    public static DateTimeOffset BucketStart(string bucket) =>
        new(DateTime.ParseExact(bucket, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    /// <summary>Adds (or moves forward) a payment's entry.</summary>
    public async Task AddAsync(string paymentId, DateTimeOffset due, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(Bucket(due), paymentId) { [AcceptedAtColumn] = acceptedAt }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The entries due after bucket <paramref name="after"/> up to and including <paramref name="upTo"/> (one key-range query), in due order.</summary>
    public async Task<IReadOnlyList<DueEntry>> ListDueAsync(string after, string upTo, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var entries = new List<DueEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {after} and PartitionKey le {upTo}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", AcceptedAtColumn], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new DueEntry(entity.PartitionKey, entity.RowKey, entity.GetDateTimeOffset(AcceptedAtColumn)));
        }

        return entries;
    }

    /// <summary>Every entry within the last 30 days and after (what the in-flight counts and the waker read).</summary>
    public Task<IReadOnlyList<DueEntry>> ListAllAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ListDueAsync(Bucket(now - TimeSpan.FromDays(30)), LastBucket, cancellationToken);

    /// <summary>Removes an entry (gone already is fine).</summary>
    public async Task RemoveAsync(string bucket, string paymentId, CancellationToken cancellationToken)
    {
        try
        {
            await _table.Client.DeleteEntityAsync(bucket, paymentId, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>The last bucket the reconciler finished, or null the first time.</summary>
    public async Task<string?> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(CheckpointPartition, "reconciler", cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value!.GetString("Bucket") : null;
    }

    /// <summary>Records the last bucket the reconciler finished.</summary>
    public Task SetCheckpointAsync(string bucket, CancellationToken cancellationToken) =>
        _table.Client.UpsertEntityAsync(new TableEntity(CheckpointPartition, "reconciler") { ["Bucket"] = bucket }, TableUpdateMode.Replace, cancellationToken);
}
