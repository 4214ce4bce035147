using Microsoft.Extensions.Logging;
using PaymentIntake.Due;
using PaymentIntake.Queue;

namespace PaymentIntake.Posting.Circuit;

/// <summary>
/// When the vendor comes back, wakes every payment still in flight (the due index lists exactly those) by enqueuing
/// it now, instead of leaving them asleep until their parked delay (up to the backoff cap) ends. One range query and
/// one message per payment, once per recovery; duplicates are harmless.
/// </summary>
public sealed class ParkedPaymentWaker(PaymentsDueIndex due, PaymentQueue queue, TimeProvider time, ILogger<ParkedPaymentWaker> logger)
{
    /// <summary>Enqueues every payment in the due index; returns how many.</summary>
    public async Task<int> WakeAsync(CancellationToken cancellationToken)
    {
        var entries = await due.ListAllAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var ids = entries.Select(e => e.PaymentId).Distinct(StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
            await queue.SendAsync(id, TimeSpan.Zero, ct).ConfigureAwait(false)).ConfigureAwait(false);
        CircuitLog.Woken(logger, ids.Count);
        return ids.Count;
    }
}
