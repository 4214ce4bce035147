using System.Globalization;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Operations;

/// <summary>An operations action as audited.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Who, string Action, string Details, int Count);

/// <summary>Every operations action, in table <c>audit</c> (PartitionKey: the day; row keys sort newest first).</summary>
public sealed class AuditLog(TableServiceClient tables, StorageNames names, TimeProvider time)
{
    private readonly LazyTable _table = new(tables, names.AuditTable);

    /// <summary>Writes one entry.</summary>
    public async Task WriteAsync(string who, string action, string details, int count, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        await table.AddEntityAsync(new TableEntity(Day(now), PoisonStore.NewId(now))
        {
            ["At"] = now,
            ["Who"] = who,
            ["Action"] = action,
            ["Details"] = details,
            ["Count"] = count,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The entries of one day, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(DateTimeOffset day, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var partition = Day(day);
        var entries = new List<AuditEntry>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AuditEntry(e.GetDateTimeOffset("At") ?? default, e.GetString("Who") ?? "", e.GetString("Action") ?? "", e.GetString("Details") ?? "", e.GetInt32("Count") ?? 0));
        }

        return entries;
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
