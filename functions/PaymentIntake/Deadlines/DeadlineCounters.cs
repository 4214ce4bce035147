using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using PaymentIntake.Payments;
using PaymentIntake.Storage;

namespace PaymentIntake.Deadlines;

/// <summary>
/// How many payments met each deadline, kept as they are recorded and as they finish (table <c>deadlinecounts</c>:
/// PartitionKey the deadline's name; counts <c>{kind}.met</c>, <c>{kind}.day.{yyyy-MM-dd}</c> — the exchange's date of
/// the payment's basis — and <c>{kind}.{posted|declined|failed}</c>, each a <see cref="ShardedCounter"/>). A payment
/// that leaves a final status (a replay of a failed one, a declined one paid by webhook) is taken off it, so the
/// finished counts are where the payments stand; in flight is met minus finished. Like <see cref="StatusCounters"/>,
/// counting follows the row's write and is best effort: a crash between the two misses one count, a count that stays
/// contended or fails is logged and skipped. Nothing is counted without a calendar, nor for a payment later than every
/// deadline.
/// </summary>
public sealed partial class DeadlineCounters(TableServiceClient tables, StorageNames names, DeadlineCalendar calendar, TimeProvider time, ILogger<DeadlineCounters> logger)
{
    private static readonly string[] Finished = [PaymentStatus.Posted, PaymentStatus.Declined, PaymentStatus.Failed];
    private readonly LazyTable _table = new(tables, (names ?? throw new ArgumentNullException(nameof(names))).DeadlineCountsTable);

    /// <summary>Counts a payment just recorded under the deadline it met, and its local day.</summary>
    public async Task CountRecordedAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (calendar.For(payment) is not { Met: true } deadline)
        {
            return;
        }

        var day = calendar.LocalDayOf(payment).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Task.WhenAll(
            AddAsync(deadline.Name, $"{payment.Kind}.met", 1, cancellationToken),
            AddAsync(deadline.Name, $"{payment.Kind}.day.{day}", 1, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Counts a saved move from <paramref name="from"/> to <paramref name="to"/>: off the final status it left, onto the one it reached.</summary>
    public async Task CountMoveAsync(Payment payment, string from, string to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var (left, reached) = (Finished.Contains(from) ? from : null, Finished.Contains(to) ? to : null);
        if (left == reached || calendar.For(payment) is not { Met: true } deadline)
        {
            return;
        }

        if (left is not null)
        {
            await AddAsync(deadline.Name, $"{payment.Kind}.{left}", -1, cancellationToken).ConfigureAwait(false);
        }

        if (reached is not null)
        {
            await AddAsync(deadline.Name, $"{payment.Kind}.{reached}", 1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every deadline of the calendar with its counts (one query of the table).</summary>
    public async Task<IReadOnlyList<DeadlineReport>> ReportAsync(CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var sums = await ShardedCounter.SumAsync(table, null, cancellationToken).ConfigureAwait(false);
        return calendar.Entries.Select(entry =>
        {
            long Sum(string kind, string what) => sums.GetValueOrDefault((entry.Name, $"{kind}.{what}"));
            var byKind = new SortedDictionary<string, DeadlineCounts>(StringComparer.Ordinal);
            foreach (var kind in new[] { PaymentKinds.Card, PaymentKinds.Check })
            {
                byKind[kind] = DeadlineCounts.Of(Sum(kind, "met"), Sum(kind, PaymentStatus.Posted), Sum(kind, PaymentStatus.Declined), Sum(kind, PaymentStatus.Failed));
            }

            var days = sums.Keys.Where(k => k.Partition == entry.Name && k.Key.Contains(".day.", StringComparison.Ordinal))
                .GroupBy(k => k.Key[(k.Key.IndexOf(".day.", StringComparison.Ordinal) + 5)..], StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new DeadlineDay(g.Key, g.ToDictionary(k => k.Key[..k.Key.IndexOf('.', StringComparison.Ordinal)], k => sums[k], StringComparer.Ordinal)))
                .ToList();
            var total = DeadlineCounts.Of(byKind.Values.Sum(c => c.Met), byKind.Values.Sum(c => c.Posted), byKind.Values.Sum(c => c.Declined), byKind.Values.Sum(c => c.Failed));
            return new DeadlineReport(entry.Name, entry.CoverageStart, entry.PayBy, total, byKind, days);
        }).ToList();
    }

    private async Task AddAsync(string deadline, string key, long delta, CancellationToken cancellationToken)
    {
        try
        {
            var table = await _table.ReadyAsync().ConfigureAwait(false);
            if (!await ShardedCounter.AddAsync(table, deadline, key, delta, time, cancellationToken).ConfigureAwait(false))
            {
                DeadlineLog.Skipped(logger, deadline, key);
            }
        }
        catch (Exception ex) when (ex is RequestFailedException || StorageFaults.IsUnavailable(ex))
        {
            // The payment row is written already; a count is not worth failing (and retrying) its work, nor intake's answer.
            DeadlineLog.Failed(logger, deadline, key, (ex as RequestFailedException)?.Status ?? 0, (ex as RequestFailedException)?.ErrorCode ?? ex.GetType().Name);
        }
    }

    private static partial class DeadlineLog
    {
        [LoggerMessage(EventId = EventIds.CountSkipped, Level = LogLevel.Warning, Message = "Deadline count {Key} of {Deadline} skipped after contended tries")]
        public static partial void Skipped(ILogger logger, string deadline, string key);

        [LoggerMessage(EventId = EventIds.CountFailed, Level = LogLevel.Warning, Message = "Deadline count {Key} of {Deadline} skipped: storage answered {HttpStatus} {ErrorCode}")]
        public static partial void Failed(ILogger logger, string deadline, string key, int httpStatus, string? errorCode);
    }
}

/// <summary>Payments that met a deadline: <see cref="InFlight"/> is the met ones not yet posted, declined or failed (in flight or waiting for the member).</summary>
public sealed record DeadlineCounts(long Met, long Posted, long InFlight, long Declined, long Failed)
{
    /// <summary>True when every payment that met the deadline is posted.</summary>
    public bool AllPosted => Met == Posted;

    internal static DeadlineCounts Of(long met, long posted, long declined, long failed) => new(met, posted, met - posted - declined - failed, declined, failed);
}

/// <summary>How many met a deadline on one local day (the exchange's date of their basis), by kind.</summary>
public sealed record DeadlineDay(string Date, IReadOnlyDictionary<string, long> ByKind);

/// <summary>One deadline as <c>GET /api/ops/deadlines</c> shows it.</summary>
public sealed record DeadlineReport(string Name, DateOnly CoverageStart, DateTime PayBy, DeadlineCounts Total, IReadOnlyDictionary<string, DeadlineCounts> ByKind, IReadOnlyList<DeadlineDay> ByLocalDay);
