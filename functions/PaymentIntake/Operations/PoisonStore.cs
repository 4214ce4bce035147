using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Operations;

/// <summary>
/// Poisoned messages kept in table <c>poison</c> (no time-to-live, unlike a queue message). One partition, row keys
/// that sort newest first; the volume is what went wrong, so listing reads the partition.
/// </summary>
public sealed class PoisonStore(TableServiceClient tables, StorageNames names)
{
    private const string Partition = "poison";
    private readonly LazyTable _table = new(tables, names.PoisonTable);

    /// <summary>A new id that sorts newest first: inverted ticks + random suffix.</summary>
    public static string NewId(DateTimeOffset now) =>
        (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    /// <summary>Adds a record.</summary>
    public async Task AddAsync(PoisonRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        await table.AddEntityAsync(ToEntity(record), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every record, newest first.</summary>
    public async Task<IReadOnlyList<PoisonRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var records = new List<PoisonRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(FromEntity(e));
        }

        return records;
    }

    /// <summary>One record, or null.</summary>
    public async Task<PoisonRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return e.HasValue ? FromEntity(e.Value!) : null;
    }

    /// <summary>Removes a record (gone already is fine).</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    private static TableEntity ToEntity(PoisonRecord r) => new(Partition, r.Id)
    {
        ["PaymentId"] = r.PaymentId,
        ["Body"] = r.Body,
        ["Reason"] = r.Reason,
        ["ExceptionType"] = r.ExceptionType,
        ["ExceptionMessage"] = r.ExceptionMessage,
        ["Origin"] = r.Origin,
        ["Fingerprint"] = r.Fingerprint,
        ["Attempts"] = r.Attempts,
        ["FirstFailedAt"] = r.FirstFailedAt,
        ["PoisonedAt"] = r.PoisonedAt,
    };

    private static PoisonRecord FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("PaymentId"),
        e.GetString("Body") ?? "",
        e.GetString("Reason") ?? "",
        e.GetString("ExceptionType") ?? "",
        e.GetString("ExceptionMessage") ?? "",
        e.GetString("Origin") ?? "",
        e.GetString("Fingerprint") ?? "",
        e.GetInt32("Attempts") ?? 0,
        e.GetDateTimeOffset("FirstFailedAt"),
        e.GetDateTimeOffset("PoisonedAt") ?? DateTimeOffset.MinValue);
}
