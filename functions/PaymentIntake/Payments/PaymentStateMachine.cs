using System.Collections.Frozen;
using Azure;
using PaymentIntake.Due;

namespace PaymentIntake.Payments;

/// <summary>
/// The one owner of a payment's status: every change goes through here. It holds the table of allowed transitions,
/// refuses any other with <see cref="InvalidStatusTransitionException"/>, stamps the times (<c>updatedAt</c>
/// always, <c>postedAt</c> on <c>posted</c>, <c>nextAttemptAt</c> cleared once the payment leaves <c>accepted</c>),
/// writes the row with its ETag, counts the payment when it reaches a final status (<see cref="StatusCounters"/>),
/// and then removes the due-index entry written with the row (<see cref="PaymentEntity.DueAt"/>) unless the payment
/// waits in <c>action_required</c>, so the index holds the payments in flight.
/// A move to the same status is a save of the other fields (allowed only while the payment is in flight).
/// </summary>
/// <remarks>
/// <code>
/// from \ to        accepted posting posted declined action_required failed
/// accepted            ✓        ✓       ✓       ✓                       ✓      (park / claim / webhook / give up)
/// posting             ✓        ✓       ✓       ✓          ✓            ✓      (retry later or bug / save / outcome)
/// action_required                      ✓       ✓                       ✓      (webhook after 3-D Secure)
/// declined                             ✓                               ✓      (webhook: paid with another method, canceled)
/// failed              ✓                ✓       ✓                              (replay / late webhook)
/// posted                                                                      (final for good)
/// </code>
/// </remarks>
public sealed class PaymentStateMachine(PaymentStore store, StatusCounters counters, PaymentsDueIndex due, TimeProvider time)
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> Transitions = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
    {
        [PaymentStatus.Accepted] = Set(PaymentStatus.Accepted, PaymentStatus.Posting, PaymentStatus.Posted, PaymentStatus.Declined, PaymentStatus.Failed),
        [PaymentStatus.Posting] = Set(PaymentStatus.Posting, PaymentStatus.Accepted, PaymentStatus.Posted, PaymentStatus.Declined, PaymentStatus.ActionRequired, PaymentStatus.Failed),
        [PaymentStatus.ActionRequired] = Set(PaymentStatus.Posted, PaymentStatus.Declined, PaymentStatus.Failed),
        [PaymentStatus.Declined] = Set(PaymentStatus.Posted, PaymentStatus.Failed),
        [PaymentStatus.Failed] = Set(PaymentStatus.Accepted, PaymentStatus.Posted, PaymentStatus.Declined),
        [PaymentStatus.Posted] = Set(),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True when a payment in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool IsAllowed(string from, string to) =>
        Transitions.TryGetValue(from, out var allowed) && allowed.Contains(to);

    /// <summary>
    /// Moves <paramref name="row"/> to <paramref name="to"/> in memory and stamps the times; returns the status it had.
    /// Pure: no I/O. Throws <see cref="InvalidStatusTransitionException"/> for a move the table does not allow.
    /// </summary>
    public static string Apply(PaymentEntity row, string to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        var from = row.Status;
        if (!IsAllowed(from, to))
        {
            throw new InvalidStatusTransitionException(row.PaymentId, from, to);
        }

        row.Status = to;
        row.UpdatedAt = now;
        if (to == PaymentStatus.Posted)
        {
            row.PostedAt = now;
        }

        if (to != PaymentStatus.Accepted)
        {
            row.NextAttemptAt = null;
        }

        return from;
    }

    /// <summary>Reads a payment (the row, the truth), or null.</summary>
    public Task<PaymentEntity?> GetAsync(string paymentId, CancellationToken cancellationToken) => store.GetAsync(paymentId, cancellationToken);

    /// <summary>
    /// Moves <paramref name="row"/> to <paramref name="to"/> and writes it with its ETag. Returns false when another
    /// writer changed the row since it was read; the row then keeps the status it had, and the caller reads again or
    /// lets the other writer's state stand.
    /// </summary>
    public async Task<bool> TryMoveAsync(PaymentEntity row, string to, CancellationToken cancellationToken)
    {
        var before = (row ?? throw new ArgumentNullException(nameof(row))).UpdatedAt;
        var postedAt = row.PostedAt;
        var nextAttemptAt = row.NextAttemptAt;
        var from = Apply(row, to, time.GetUtcNow());
        if (!await store.TryReplaceAsync(row, cancellationToken).ConfigureAwait(false))
        {
            row.Status = from;
            row.UpdatedAt = before;
            row.PostedAt = postedAt;
            row.NextAttemptAt = nextAttemptAt;
            return false;
        }

        if (from != to && PaymentStatus.IsFinal(to))
        {
            await counters.CountAsync(to, cancellationToken).ConfigureAwait(false);
            if (to != PaymentStatus.ActionRequired && row.DueAt is { } dueAt)
            {
                await RemoveDueEntryAsync(row.PaymentId, dueAt, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    private async Task RemoveDueEntryAsync(string paymentId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        try
        {
            await due.RemoveAsync(PaymentsDueIndex.Bucket(dueAt), paymentId, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // The status is written; the reconciler removes the entry of a final payment when it comes due.
        }
    }

    /// <summary>
    /// Claims the payment for posting (<c>accepted → posting</c>). A payment already <c>posting</c> is taken over only
    /// when its last write is older than <paramref name="lease"/> — its poster crashed; otherwise another worker is
    /// posting it now (a duplicate message) and this one stands back. False when not claimed.
    /// </summary>
    public Task<bool> TryClaimAsync(PaymentEntity row, TimeSpan lease, CancellationToken cancellationToken) =>
        IsBeingPosted(row, lease) ? Task.FromResult(false) : TryMoveAsync(row, PaymentStatus.Posting, cancellationToken);

    /// <summary>True while another worker's claim on the payment (<c>posting</c>, written less than <paramref name="lease"/> ago) stands.</summary>
    public bool IsBeingPosted(PaymentEntity row, TimeSpan lease) =>
        (row ?? throw new ArgumentNullException(nameof(row))).Status == PaymentStatus.Posting && time.GetUtcNow() - row.UpdatedAt < lease;

    private static FrozenSet<string> Set(params string[] statuses) => statuses.ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>A status change the state machine does not allow: a bug in the caller, never a business answer.</summary>
public sealed class InvalidStatusTransitionException : InvalidOperationException
{
    /// <summary>Creates the exception for a refused move.</summary>
    public InvalidStatusTransitionException(string paymentId, string from, string to)
        : base($"Payment {paymentId} may not move from '{from}' to '{to}'.")
    {
        PaymentId = paymentId;
        From = from;
        To = to;
    }

    /// <summary>Creates the exception.</summary>
    public InvalidStatusTransitionException() { }

    /// <summary>Creates the exception.</summary>
    public InvalidStatusTransitionException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public InvalidStatusTransitionException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The payment.</summary>
    public string PaymentId { get; } = "";

    /// <summary>Its status.</summary>
    public string From { get; } = "";

    /// <summary>The refused status.</summary>
    public string To { get; } = "";
}
