using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using PaymentIntake.Storage;

namespace PaymentIntake.Payments;

/// <summary>The payments that reached each final status in one UTC hour (<c>yyyy-MM-ddTHH</c>).</summary>
public sealed record HourCounts(string Hour, IReadOnlyDictionary<string, long> ByStatus);

/// <summary>
/// How many payments reached each final status, per UTC hour (table <c>paymentcounts</c>: PartitionKey the hour
/// <c>yyyy-MM-ddTHH</c>, RowKey <c>{status}.{shard}</c>). Table storage has no atomic increment, so each count is
/// spread over <see cref="Shards"/> rows updated with their ETag; reading an hour sums its shards. Counting is best
/// effort: it happens after the payment row is written, so a crash between the two writes misses one count, and a
/// counter that stays contended is logged and skipped rather than failing the payment.
/// </summary>
public sealed partial class StatusCounters(TableServiceClient tables, StorageNames names, TimeProvider time, ILogger<StatusCounters> logger)
{
    /// <summary>Rows per status and hour (spreads concurrent increments).</summary>
    public const int Shards = ShardedCounter.Shards;

    private readonly LazyTable _table = new(tables, (names ?? throw new ArgumentNullException(nameof(names))).PaymentCountsTable);

    /// <summary>The partition of an hour.</summary>
    public static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH", CultureInfo.InvariantCulture);

    /// <summary>Counts one payment that reached <paramref name="status"/> now; false when the count was skipped (logged).</summary>
    public async Task<bool> CountAsync(string status, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var hour = Hour(time.GetUtcNow());
        try
        {
            var counted = await ShardedCounter.AddAsync(table, hour, status, 1, time, cancellationToken).ConfigureAwait(false);
            if (!counted)
            {
                CounterLog.Skipped(logger, status, hour, ShardedCounter.MaxTries);
            }

            return counted;
        }
        catch (RequestFailedException ex)
        {
            // The payment row is written already; a count is not worth failing (and retrying) its message.
            CounterLog.Failed(logger, status, hour, ex.Status, ex.ErrorCode);
            return false;
        }
    }

    /// <summary>
    /// The counts of the last 24 hours: this hour and the 23 before it, in all and per hour (every hour listed, oldest
    /// first, empty ones too); returns where that window starts.
    /// </summary>
    public async Task<(DateTimeOffset Since, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyList<HourCounts> Hourly)> Last24HoursAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerHour)).AddHours(-23);
        var hourly = await HourlyAsync(since, now, cancellationToken).ConfigureAwait(false);
        var sums = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (status, count) in hourly.SelectMany(h => h.ByStatus))
        {
            sums[status] = sums.GetValueOrDefault(status) + count;
        }

        return (since, sums, hourly);
    }

    /// <summary>Sums the counts per status from the hour of <paramref name="from"/> to the hour of <paramref name="to"/>, both included.</summary>
    public async Task<IReadOnlyDictionary<string, long>> SumAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var sums = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (status, count) in (await HourlyAsync(from, to, cancellationToken).ConfigureAwait(false)).SelectMany(h => h.ByStatus))
        {
            sums[status] = sums.GetValueOrDefault(status) + count;
        }

        return sums;
    }

    /// <summary>The counts per hour and status from the hour of <paramref name="from"/> to the hour of <paramref name="to"/>, every hour listed (one range query).</summary>
    public async Task<IReadOnlyList<HourCounts>> HourlyAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var hours = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        for (var hour = from.AddTicks(-(from.Ticks % TimeSpan.TicksPerHour)); hour <= to; hour = hour.AddHours(1))
        {
            hours[Hour(hour)] = new SortedDictionary<string, long>(StringComparer.Ordinal);
        }

        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Hour(from)} and PartitionKey le {Hour(to)}");
        foreach (var ((hour, status), count) in await ShardedCounter.SumAsync(table, filter, cancellationToken).ConfigureAwait(false))
        {
            var counts = hours.TryGetValue(hour, out var found) ? found : hours[hour] = new SortedDictionary<string, long>(StringComparer.Ordinal);
            counts[status] = counts.GetValueOrDefault(status) + count;
        }

        return hours.Select(h => new HourCounts(h.Key, h.Value)).ToList();
    }

    private static partial class CounterLog
    {
        [LoggerMessage(EventId = EventIds.CountSkipped, Level = LogLevel.Warning, Message = "Status count for {Status} in hour {Hour} skipped after {Tries} contended tries")]
        public static partial void Skipped(ILogger logger, string status, string hour, int tries);

        [LoggerMessage(EventId = EventIds.CountFailed, Level = LogLevel.Warning, Message = "Status count for {Status} in hour {Hour} skipped: storage answered {HttpStatus} {ErrorCode}")]
        public static partial void Failed(ILogger logger, string status, string hour, int httpStatus, string? errorCode);
    }
}
