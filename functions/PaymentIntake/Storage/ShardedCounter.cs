using Azure.Data.Tables;

namespace PaymentIntake.Storage;

/// <summary>
/// Counts kept in a table without an atomic increment: each count is spread over <see cref="Shards"/> rows
/// (<c>{key}.{shard}</c>) updated with their ETag, so concurrent writers rarely meet; a sum reads the shards. The one
/// increment loop of <see cref="Payments.StatusCounters"/> and <see cref="Deadlines.DeadlineCounters"/>.
/// </summary>
public static class ShardedCounter
{
    /// <summary>Rows per count.</summary>
    public const int Shards = 8;

    /// <summary>Tries of one increment before it is given up (another writer won each time).</summary>
    public const int MaxTries = 20;

    /// <summary>Adds <paramref name="delta"/> to count <paramref name="key"/> of <paramref name="partition"/>; false when every try met another writer.</summary>
    public static Task<bool> AddAsync(TableClient table, string partition, string key, long delta, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        // A lost race means another instance counted on this shard meanwhile: try again, a little later, on a shard picked anew.
        return OptimisticConcurrency.RetryAsync(
            MaxTries,
            async _ =>
            {
                var row = $"{key}.{Random.Shared.Next(Shards)}";
                var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (existing.HasValue)
                {
                    var entity = existing.Value!;
                    entity["Count"] = (entity.GetInt64("Count") ?? 0) + delta;
                    await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await table.AddEntityAsync(new TableEntity(partition, row) { ["Count"] = delta }, cancellationToken).ConfigureAwait(false);
                }

                return true;
            },
            tryNumber => Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(tryNumber + 1, 5))), time, cancellationToken));
    }

    /// <summary>The sums of the counts <paramref name="filter"/> selects (all when null), by partition and key (the shards added up).</summary>
    public static async Task<IReadOnlyDictionary<(string Partition, string Key), long>> SumAsync(TableClient table, string? filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sums = new Dictionary<(string, string), long>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "Count"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var key = (entity.PartitionKey, entity.RowKey[..entity.RowKey.LastIndexOf('.')]);
            sums[key] = sums.GetValueOrDefault(key) + (entity.GetInt64("Count") ?? 0);
        }

        return sums;
    }
}
