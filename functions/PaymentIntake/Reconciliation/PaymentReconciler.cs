using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Due;
using PaymentIntake.Payments;
using PaymentIntake.Queue;

namespace PaymentIntake.Reconciliation;

/// <summary>
/// Closes the crash windows: finds payments that made no progress for <see cref="PostingOptions.ReconcileAfter"/>
/// (left <c>accepted</c> without a live message, or stuck in <c>posting</c>) and enqueues them again. Reads only the
/// due-index entries that came due since its last run; an extra message is harmless (posting claims the row and the
/// vendor calls are idempotent). A payment is not enqueued again while the queue's head was sent before (or within
/// <see cref="SendTolerance"/> after) the payment's last progress: its message then waits behind a backlog (deadline day, a drain after an outage, a large batch), and
/// sending another would only grow the backlog. It is looked at again one grace period later; once the backlog has
/// moved past it, a payment that is still waiting has lost its message and is enqueued. A payment in
/// <c>action_required</c> stays in the index and is sent every <see cref="PostingOptions.ActionCheckInterval"/> to be
/// checked at the vendor (<see cref="Posting.ActionRequiredFollowUp"/>).
/// </summary>
public sealed class PaymentReconciler(
    PaymentsDueIndex due,
    PaymentStore store,
    PaymentQueue queue,
    IOptions<PostingOptions> options,
    TimeProvider time,
    ILogger<PaymentReconciler> logger)
{
    /// <summary>
    /// A payment's message is sent a moment after its row is written, by many writers in parallel (a batch records
    /// 32 lines at once), and the queue stamps whole seconds: a head sent up to this long after the payment's last
    /// progress still counts as a backlog the payment's message may be waiting in.
    /// </summary>
    public static readonly TimeSpan SendTolerance = TimeSpan.FromMinutes(1);

    /// <summary>What one run did; <paramref name="ActionChecks"/> counts <c>action_required</c> payments sent to be checked at the vendor.</summary>
    public sealed record Report(int Examined, int Requeued, int Finished, int Deferred, int BehindBacklog, int ActionChecks = 0);

    /// <summary>Runs once.</summary>
    public async Task<Report> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var grace = options.Value.ReconcileAfter;
        var upTo = PaymentsDueIndex.Bucket(now);
        var after = await due.GetCheckpointAsync(cancellationToken).ConfigureAwait(false) ?? PaymentsDueIndex.Bucket(now - TimeSpan.FromDays(7));
        int requeued = 0, finished = 0, deferred = 0, behindBacklog = 0, actionChecks = 0;
        Task<DateTimeOffset?>? head = null; // peeked once per run, and only when some payment is overdue

        async Task<bool> IsBehindBacklogAsync(DateTimeOffset lastProgress) =>
            await (head ??= queue.HeadInsertedAtAsync(cancellationToken)).ConfigureAwait(false) is { } headSent && headSent <= lastProgress + SendTolerance;

        var entries = await due.ListDueAsync(after, upTo, cancellationToken).ConfigureAwait(false);
        foreach (var (bucket, paymentId, _) in entries)
        {
            var row = await store.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
            if (row is { Status: PaymentStatus.ActionRequired })
            {
                // Waiting for the member: checked at the vendor every interval (ActionRequiredFollowUp), so a lost
                // webhook delays the answer, never loses it. It stays in the index until it leaves action_required.
                var check = options.Value.ActionCheckInterval;
                var nextCheck = row.UpdatedAt + check;
                if (nextCheck <= now)
                {
                    await queue.SendAsync(paymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    actionChecks++;
                    nextCheck = now + check;
                }
                else
                {
                    deferred++;
                }

                await due.AddAsync(paymentId, string.CompareOrdinal(PaymentsDueIndex.Bucket(nextCheck), upTo) <= 0 ? now + TimeSpan.FromSeconds(1) : nextCheck, row.AcceptedAt, cancellationToken).ConfigureAwait(false);
            }
            else if (row is null || PaymentStatus.IsSettled(row.Status))
            {
                // No row: intake failed before answering 202, so the client was told nothing was accepted.
                finished++;
            }
            else
            {
                var lastProgress = row.NextAttemptAt is { } next && next > row.UpdatedAt ? next : row.UpdatedAt;
                var nextDue = lastProgress + grace;
                if (nextDue > now)
                {
                    deferred++;
                }
                else if (await IsBehindBacklogAsync(lastProgress).ConfigureAwait(false))
                {
                    behindBacklog++;
                    nextDue = now + grace;
                }
                else
                {
                    await queue.SendAsync(paymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    ReconcilerLog.Requeued(logger, paymentId, row.Status, lastProgress);
                    requeued++;
                    nextDue = now + grace;
                }

                if (string.CompareOrdinal(PaymentsDueIndex.Bucket(nextDue), upTo) <= 0)
                {
                    nextDue = now + TimeSpan.FromSeconds(1); // past the checkpoint, or it would never be read again
                }

                await due.AddAsync(paymentId, nextDue, row.AcceptedAt, cancellationToken).ConfigureAwait(false);
            }

            await due.RemoveAsync(bucket, paymentId, cancellationToken).ConfigureAwait(false);
        }

        await due.SetCheckpointAsync(upTo, cancellationToken).ConfigureAwait(false);
        if (behindBacklog > 0)
        {
            ReconcilerLog.BehindBacklog(logger, behindBacklog, await head!.ConfigureAwait(false));
        }

        return new Report(entries.Count, requeued, finished, deferred, behindBacklog, actionChecks);
    }
}

internal static partial class ReconcilerLog
{
    [LoggerMessage(EventId = EventIds.Requeued, Level = LogLevel.Warning, Message = "Payment {PaymentId} made no progress since {LastProgress} (status {Status}); enqueued again")]
    public static partial void Requeued(ILogger logger, string paymentId, string status, DateTimeOffset lastProgress);

    [LoggerMessage(EventId = EventIds.BehindBacklog, Level = LogLevel.Information, Message = "{Count} payments without progress wait behind a backlog (queue head sent {HeadSentAt}); not enqueued again")]
    public static partial void BehindBacklog(ILogger logger, int count, DateTimeOffset? headSentAt);
}
