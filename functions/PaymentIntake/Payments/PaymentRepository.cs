using Azure;
using PaymentIntake.Due;

namespace PaymentIntake.Payments;

/// <summary>
/// Where a <see cref="Payment"/> is read and saved, and the one place for what follows its moves: a save stamps the
/// times, writes the row with its ETag, counts the payment when it leaves flight (<see cref="StatusCounters"/>), and
/// keeps the due index (<see cref="PaymentsDueIndex"/>) holding the payments in flight — an entry is written before a
/// payment is recorded or reopened (no in-flight row is ever outside the index) and removed once it is settled
/// (<c>posted</c>, <c>declined</c>, <c>failed</c>; an <c>action_required</c> payment keeps its entry, which the
/// reconciler uses to check it at the vendor). Every save of a move writes its history with it
/// (<see cref="PaymentMove"/>, one transaction in <see cref="PaymentStore"/>), and a recorded payment is indexed by
/// member (<see cref="MemberIndex"/>) before its row, and a payment about to be saved as <c>posted</c> is noted by the hour
/// (<see cref="PostedIndex"/>) before its row, for the reconciliation with Stripe.
/// </summary>
public sealed class PaymentRepository(PaymentStore store, StatusCounters counters, PaymentsDueIndex due, MemberIndex members, PostedIndex posted, Deadlines.DeadlineCounters deadlines, TimeProvider time)
{
    /// <summary>Reads a payment (the row, the truth), or null.</summary>
    public Task<Payment?> GetAsync(string paymentId, CancellationToken cancellationToken) => store.GetAsync(paymentId, cancellationToken);

    /// <summary>A payment's moves, oldest first (empty when there is no such payment).</summary>
    public Task<IReadOnlyList<PaymentMove>> GetHistoryAsync(string paymentId, CancellationToken cancellationToken) => store.GetHistoryAsync(paymentId, cancellationToken);

    /// <summary>
    /// A member's payments, newest accepted first, at most <paramref name="limit"/>, only those
    /// <paramref name="submittedBy"/> submitted unless it is null (one partition query, then a point read each).
    /// </summary>
    public async Task<IReadOnlyList<Payment>> ListByMemberAsync(string memberId, string? submittedBy, int limit, CancellationToken cancellationToken)
    {
        var ids = await members.ListAsync(memberId, submittedBy, limit, cancellationToken).ConfigureAwait(false);
        var rows = await Task.WhenAll(ids.Select(id => store.GetAsync(id, cancellationToken))).ConfigureAwait(false);
        return rows.OfType<Payment>().Where(p => p.MemberId == memberId && (submittedBy is null || p.SubmittedBy == submittedBy)).ToList();
    }

    /// <summary>
    /// Records a new payment, due for the reconciler at <paramref name="dueAt"/>: its due-index and member-index entries
    /// first (side by side), then the row with its first move if no row has its id. False when one exists (the
    /// deduplication); a due entry without a row is dropped by the reconciler, a member entry without one skipped.
    /// </summary>
    public async Task<bool> TryAddAsync(Payment payment, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        payment.TrackAt(dueAt);
        await Task.WhenAll(
            due.AddAsync(payment.PaymentId, dueAt, payment.AcceptedAt, cancellationToken),
            members.AddAsync(payment.MemberId, payment.PaymentId, payment.AcceptedAt, payment.SubmittedBy, cancellationToken)).ConfigureAwait(false);
        if (!await store.TryInsertAsync(payment, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await deadlines.CountRecordedAsync(payment, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Saves what the payment's methods changed, with its ETag. False when another writer changed the row since it was
    /// read: nothing is written, and the object is stale (read again, or let the other writer's state stand).
    /// </summary>
    public async Task<bool> TrySaveAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var from = payment.StoredStatus;
        var to = payment.Status;
        if (!PaymentStatus.IsInFlight(from) && PaymentStatus.IsInFlight(to) && payment.DueAt is { } reopenedDue)
        {
            // Back in flight (a replay): in the index before the row says so.
            await due.AddAsync(payment.PaymentId, reopenedDue, payment.AcceptedAt, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        if (to == PaymentStatus.Posted && from != PaymentStatus.Posted)
        {
            await posted.AddAsync(payment.PaymentId, now, cancellationToken).ConfigureAwait(false);
        }

        payment.Stamp(now);
        if (!await store.TryReplaceAsync(payment, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (from != to)
        {
            await deadlines.CountMoveAsync(payment, from, to, cancellationToken).ConfigureAwait(false);
        }

        if (from != to && !PaymentStatus.IsInFlight(to))
        {
            await counters.CountAsync(to, cancellationToken).ConfigureAwait(false);
            if (PaymentStatus.IsSettled(to) && payment.DueAt is { } dueAt)
            {
                await ReleaseAsync(payment.PaymentId, dueAt, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    /// <summary>
    /// Claims the payment for <paramref name="instance"/> and saves the claim, with the row's ETag: false when another
    /// writer changed it since it was read. Whether a standing claim may be taken over is the poster's to decide first.
    /// </summary>
    public Task<bool> TryClaimAsync(Payment payment, string instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        payment.Claim(instance);
        return TrySaveAsync(payment, cancellationToken);
    }

    /// <summary>True while another worker's claim on the payment (<c>posting</c>, written less than <paramref name="lease"/> ago) stands.</summary>
    public bool IsBeingPosted(Payment payment, TimeSpan lease) =>
        (payment ?? throw new ArgumentNullException(nameof(payment))).IsClaimed(time.GetUtcNow(), lease);

    private async Task ReleaseAsync(string paymentId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        try
        {
            await due.RemoveAsync(PaymentsDueIndex.Bucket(dueAt), paymentId, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // The status is written; the reconciler drops the entry of a settled payment when it comes due.
        }
    }
}
