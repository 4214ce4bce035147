using System.Collections.Concurrent;
using Azure.Storage.Queues;
using PaymentIntake.Due;
using PaymentIntake.Payments;
using PaymentIntake.Posting;
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

/// <summary>Payments not yet done, from the due index (its cost follows the payments in flight, not the table).</summary>
public sealed record InFlightStatus(int Total, IReadOnlyDictionary<string, int> ByStatus, DateTimeOffset? OldestNotPostedAcceptedAt, double? OldestNotPostedAgeSeconds);

/// <summary>
/// How many payments reached each final status (<c>posted</c>, <c>declined</c>, <c>action_required</c>, <c>failed</c>)
/// since <paramref name="Since"/> (the start of the hour 23 hours ago), from the hourly counters.
/// </summary>
public sealed record FinalCounts(DateTimeOffset Since, IReadOnlyDictionary<string, long> ByStatus);

/// <summary>The vendor as the shared circuit sees it.</summary>
public sealed record VendorStatus(string State, DateTimeOffset? DownSince, string Circuit, int ConsecutiveFailures, DateTimeOffset? OpenUntil, DateTimeOffset? LastSuccessAt);

/// <summary>Builds the operations status: queues, payments in flight, vendor, poison.</summary>
public sealed class OpsStatusService(
    QueueServiceClient queues,
    StorageNames names,
    PaymentsDueIndex due,
    PaymentStore payments,
    VendorCircuitStore circuit,
    PoisonStore poison,
    StatusCounters counters,
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

        var entries = await due.ListDueAsync(PaymentsDueIndex.Bucket(now - TimeSpan.FromDays(30)), PaymentsDueIndex.LastBucket, cancellationToken).ConfigureAwait(false);
        var rows = new ConcurrentBag<PaymentEntity>();
        await Parallel.ForEachAsync(entries.Select(e => e.PaymentId).Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await payments.GetAsync(id, ct).ConfigureAwait(false) is { } row && !PaymentStatus.IsFinal(row.Status))
            {
                rows.Add(row);
            }
        }).ConfigureAwait(false);
        var oldest = rows.Count == 0 ? (DateTimeOffset?)null : rows.Min(r => r.AcceptedAt);
        var inFlight = new InFlightStatus(
            rows.Count,
            rows.GroupBy(r => r.Status, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            oldest,
            oldest is { } o ? Math.Round((now - o).TotalSeconds, 1) : null);

        var c = await circuitState.ConfigureAwait(false);
        var vendor = new VendorStatus(VendorState.Of(c), c.DownSince, c.State, c.ConsecutiveFailures, c.OpenUntil, c.LastSuccessAt);
        var (since, byStatus) = await finalCounts.ConfigureAwait(false);
        return new OpsStatus(
            now,
            new QueueStatus(await paymentsDepth.ConfigureAwait(false), await poisonDepth.ConfigureAwait(false), await batchesPoisonDepth.ConfigureAwait(false)),
            inFlight,
            new FinalCounts(since, byStatus),
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
