using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Due;
using PaymentIntake.Payments;
using PaymentIntake.Posting.Circuit;
using PaymentIntake.Storage;

namespace PaymentIntake.Operations;

/// <summary>The answer of <c>GET /api/ops/status</c>.</summary>
public sealed record OpsStatus(
    DateTimeOffset GeneratedAt,
    QueueStatus Queues,
    InFlightStatus InFlight,
    FinalCounts Last24Hours,
    VendorStatus Vendor,
    int PoisonedMessages);

/// <summary>Approximate queue depths; <paramref name="BatchesPoison"/> counts batches whose processing failed for good.</summary>
public sealed record QueueStatus(int Payments, int PaymentsPoison, int BatchesPoison);

/// <summary>
/// Payments not yet done, from the due index (its cost follows the payments in flight, not the table). At most
/// <see cref="OperationsOptions.StatusRowReads"/> rows are read, oldest accepted first: <paramref name="ByStatus"/> and
/// the oldest payment come from those; <paramref name="Unread"/> entries beyond them are counted in
/// <paramref name="Total"/> as in flight without being read (0 unless tens of thousands wait).
/// </summary>
public sealed record InFlightStatus(int Total, IReadOnlyDictionary<string, int> ByStatus, DateTimeOffset? OldestNotPostedAcceptedAt, double? OldestNotPostedAgeSeconds, int Unread);

/// <summary>
/// How many payments reached each final status (<c>posted</c>, <c>declined</c>, <c>action_required</c>, <c>failed</c>)
/// since <paramref name="Since"/> (the start of the hour 23 hours ago), from the hourly counters: in all, and per hour
/// in <paramref name="Hourly"/> (24 hours, oldest first).
/// </summary>
public sealed record FinalCounts(DateTimeOffset Since, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyList<HourCounts> Hourly);

/// <summary>The vendor as the shared circuit sees it.</summary>
public sealed record VendorStatus(string State, DateTimeOffset? DownSince, string Circuit, int ConsecutiveFailures, DateTimeOffset? OpenUntil, DateTimeOffset? LastSuccessAt)
{
    /// <summary>Since when Stripe refuses our key (the state is then <c>misconfigured</c>); null otherwise.</summary>
    public DateTimeOffset? MisconfiguredSince { get; init; }

    /// <summary>Whose calls the key is refused for: <c>probe</c> (Balance read), <c>payments</c>, or both; null when none.</summary>
    public string? KeyRefusedFor { get; init; }
}

/// <summary>Builds the operations status: queues, payments in flight, vendor, poison.</summary>
public sealed class OpsStatusService(
    QueueServiceClient queues,
    StorageNames names,
    PaymentsDueIndex due,
    PaymentStore payments,
    VendorCircuitStore circuit,
    PoisonStore poison,
    StatusCounters counters,
    IOptions<OperationsOptions> options,
    TimeProvider time)
{
    /// <summary>Reads the status now.</summary>
    public async Task<OpsStatus> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var paymentsDepth = DepthAsync(names.PaymentsQueue, cancellationToken);
        var poisonDepth = DepthAsync(names.PaymentsPoisonQueue, cancellationToken);
        var batchesPoisonDepth = DepthAsync(QueueNames.PoisonOf(names.BatchesQueue), cancellationToken);
        var poisoned = poison.ListAsync(cancellationToken);
        var circuitState = circuit.GetAsync(cancellationToken);
        var finalCounts = counters.Last24HoursAsync(cancellationToken);

        // The index holds the payments in flight (the repository removes an entry when its payment is settled), so
        // its size is the number to report; rows are read, oldest accepted first and up to the limit, for the split by
        // status, the oldest payment not posted, and to leave out the few entries whose payment finished meanwhile.
        var ids = (await due.ListAllAsync(now, cancellationToken).ConfigureAwait(false))
            .GroupBy(e => e.PaymentId, StringComparer.Ordinal)
            .Select(g => (PaymentId: g.Key, AcceptedAt: g.Min(e => e.AcceptedAt)))
            .OrderBy(e => e.AcceptedAt ?? DateTimeOffset.MinValue) // entries written before AcceptedAt was recorded first
            .Select(e => e.PaymentId)
            .ToList();
        var read = ids.Take(options.Value.StatusRowReads).ToList();
        var rows = new ConcurrentBag<Payment>();
        await Parallel.ForEachAsync(read, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await payments.GetAsync(id, ct).ConfigureAwait(false) is { } row && PaymentStatus.IsInFlight(row.Status))
            {
                rows.Add(row);
            }
        }).ConfigureAwait(false);
        var unread = ids.Count - read.Count;
        var oldest = rows.Count == 0 ? (DateTimeOffset?)null : rows.Min(r => r.AcceptedAt);
        var inFlight = new InFlightStatus(
            rows.Count + unread,
            rows.GroupBy(r => r.Status, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            oldest,
            oldest is { } o ? Math.Round((now - o).TotalSeconds, 1) : null,
            unread);

        var c = await circuitState.ConfigureAwait(false);
        var vendor = new VendorStatus(VendorState.Of(c), c.DownSince, c.State, c.ConsecutiveFailures, c.OpenUntil, c.LastSuccessAt) { MisconfiguredSince = c.MisconfiguredSince, KeyRefusedFor = c.KeyRefusedFor.Length > 0 ? c.KeyRefusedFor : null };
        var (since, byStatus, hourly) = await finalCounts.ConfigureAwait(false);
        return new OpsStatus(
            now,
            new QueueStatus(await paymentsDepth.ConfigureAwait(false), await poisonDepth.ConfigureAwait(false), await batchesPoisonDepth.ConfigureAwait(false)),
            inFlight,
            new FinalCounts(since, byStatus, hourly),
            vendor,
            (await poisoned.ConfigureAwait(false)).Count);
    }

    private async Task<int> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        var client = queues.GetQueueClient(queue);
        return await client.ExistsAsync(cancellationToken).ConfigureAwait(false)
            ? (await client.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount
            : 0;
    }
}
