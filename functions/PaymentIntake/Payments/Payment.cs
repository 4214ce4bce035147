using Azure;

namespace PaymentIntake.Payments;

/// <summary>
/// A payment and the one guard of its life. What was submitted (member, amount, method, invoice, check details) is
/// fixed at creation; the status and everything that moves with it change only through the methods below, each a
/// move of <see cref="PaymentTransitions"/> with its cause — the compiler, not a convention, keeps any other code from
/// setting a status. <see cref="NextAttemptAt"/> is kept only while <c>accepted</c>. Saving is
/// <see cref="PaymentRepository"/>'s, in one place: it stamps <see cref="UpdatedAt"/> (and <see cref="PostedAt"/> on
/// <c>posted</c>), writes with the row's ETag, and does what follows a move (the final-status counters, the in-flight
/// index). After a save that lost a race the object is stale: read the payment again.
/// </summary>
public sealed class Payment
{
    private readonly List<PaymentMove> _pending = [];
    private DateTimeOffset _updatedAt;

    /// <summary>The payment id (the row's PartitionKey).</summary>
    public required string PaymentId { get; init; }

    /// <summary><c>card</c> (intake API, charged through a PaymentIntent) or <c>check</c> (mail-in, recorded against its invoice).</summary>
    public string Kind { get; init; } = PaymentKinds.Card;

    /// <summary>Check number, for mail-in checks.</summary>
    public string? CheckNumber { get; init; }

    /// <summary>When the lockbox received the check (<c>yyyy-MM-dd</c>): its deadline-relevant date.</summary>
    public string? ReceivedDate { get; init; }

    /// <summary>Name on the check, if given.</summary>
    public string? PayerName { get; init; }

    /// <summary>The mail-in batch it came from.</summary>
    public string? BatchId { get; init; }

    /// <summary>Line number in the batch file.</summary>
    public int? BatchLine { get; init; }

    /// <summary>The caller that submitted it (the principal's name): an intake caller reads only its own payments.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The member who pays.</summary>
    public string MemberId { get; init; } = "";

    /// <summary>Minor units.</summary>
    public long Amount { get; init; }

    /// <summary>Lower-case ISO code.</summary>
    public string Currency { get; init; } = "";

    /// <summary>Stripe PaymentMethod id ("" when the payment carries a <see cref="ConfirmationTokenId"/>).</summary>
    public string PaymentMethodId { get; init; } = "";

    /// <summary>Stripe ConfirmationToken id (<c>ctoken_…</c>) the intent is confirmed with, instead of a PaymentMethod.</summary>
    public string? ConfirmationTokenId { get; init; }

    /// <summary>Optional invoice id.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>Optional description.</summary>
    public string? Description { get; init; }

    /// <summary>SHA-256 of the normalised request, to tell a replay from a reuse of the key with another body.</summary>
    public string RequestHash { get; init; } = "";

    /// <summary>When intake accepted it: the member's proof of paying on time.</summary>
    public DateTimeOffset AcceptedAt { get; init; }

    /// <summary>Last change; at creation, when it was recorded.</summary>
    public DateTimeOffset UpdatedAt { get => _updatedAt; init => _updatedAt = value; }

    /// <summary>One of <see cref="PaymentStatus"/>; <c>accepted</c> at creation.</summary>
    public string Status { get; private set; } = PaymentStatus.Accepted;

    /// <summary>How many times posting was started.</summary>
    public int Attempts { get; private set; }

    /// <summary>The vendor's id for it (<c>pi_…</c>, or the invoice's <c>in_…</c>), stored as soon as the vendor named it.</summary>
    public string? VendorReference { get; private set; }

    /// <summary>
    /// Which idempotency key creates the PaymentIntent: <c>{paymentId}-create</c>, then <c>-create-1</c>, … Stripe saves
    /// a 500 under its key for a day, so a create answered 500 moves on to the next key.
    /// </summary>
    public int CreateKeyGeneration { get; private set; }

    /// <summary>When a create was last answered 500 (the next create key was taken then); null if never.</summary>
    public DateTimeOffset? CreateFailedAt { get; private set; }

    /// <summary>Why the last attempt did not post it.</summary>
    public string? LastError { get; private set; }

    /// <summary>The vendor's decline code, for declined payments.</summary>
    public string? DeclineCode { get; private set; }

    /// <summary>When the next attempt is scheduled, while <c>accepted</c> and waiting for the vendor.</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }

    /// <summary>Where the member authenticates, for <c>action_required</c>.</summary>
    public string? NextActionUrl { get; private set; }

    /// <summary>When the vendor charged it.</summary>
    public DateTimeOffset? PostedAt { get; private set; }

    /// <summary>How many times operators replayed it from the poison queue.</summary>
    public int ReplayCount { get; private set; }

    /// <summary>When operators last replayed it: the give-up clock (<c>Posting:MaxPostingAge</c>) restarts then.</summary>
    public DateTimeOffset? ReplayedAt { get; private set; }

    /// <summary>When the vendor last failed this payment (5xx, timeout, unreachable); cleared by any other answer.</summary>
    public DateTimeOffset? VendorFailedAt { get; private set; }

    /// <summary>
    /// Vendor failures that followed the payment, not the vendor (it had failed before, the vendor answered since,
    /// nothing else was failing); at <c>Posting:OwnFailureLimit</c> the payment is given up. Cleared by any other
    /// answer and by a replay.
    /// </summary>
    public int OwnFailures { get; private set; }

    /// <summary>The instance that last claimed it for posting (<see cref="Posting.Takeover.InstanceHeartbeat"/>); kept after, for the record.</summary>
    public string? ClaimedBy { get; private set; }

    /// <summary>The due time of its entry in the due index, while it has one (<see cref="PaymentRepository"/> keeps both).</summary>
    public DateTimeOffset? DueAt { get; private set; }

    /// <summary>How many moves its stored history holds (<see cref="PaymentMove"/>; the row counts them, so the next is <c>Moves + 1</c>).</summary>
    public int Moves { get; private set; }

    /// <summary>The moves made since the payment was last read or saved, in order: the next save writes them with the row.</summary>
    internal IReadOnlyList<PaymentMove> PendingMoves => _pending;

    /// <summary>The status as last read or saved: what a save moves the stored payment from.</summary>
    internal string StoredStatus { get; set; } = PaymentStatus.Accepted;

    /// <summary>The row's ETag as last read or saved (optimistic concurrency).</summary>
    internal ETag Version { get; set; }

    /// <summary>True while a worker's claim (<c>posting</c>, written less than <paramref name="lease"/> before <paramref name="now"/>) stands.</summary>
    public bool IsClaimed(DateTimeOffset now, TimeSpan lease) => Status == PaymentStatus.Posting && now - UpdatedAt < lease;

    /// <summary>Posting starts an attempt (counted even when the circuit then parks it).</summary>
    public void BeginAttempt() => Attempts++;

    /// <summary>
    /// Claimed for posting by <paramref name="instance"/>: <c>accepted → posting</c>, or a claim taken over (its
    /// instance died, or its lease ran out; a save while <c>posting</c> renews it).
    /// </summary>
    public void Claim(string instance)
    {
        ArgumentException.ThrowIfNullOrEmpty(instance);
        var from = Status;
        MoveTo(PaymentStatus.Posting);
        ClaimedBy = instance;
        Note(from, MoveCauses.Claimed, instance);
    }

    /// <summary>The vendor named its object (a PaymentIntent, or the invoice paid): stored before posting goes on.</summary>
    public void NameVendorObject(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        if (reference == VendorReference)
        {
            return;
        }

        VendorReference = reference;
        Note(Status, MoveCauses.VendorObjectNamed, ClaimedBy ?? "poster");
    }

    /// <summary>A create answered 500 (saved under its key by Stripe): the next create uses the next key.</summary>
    public void UseNextCreateKey(DateTimeOffset now)
    {
        CreateKeyGeneration++;
        CreateFailedAt = now;
        Note(Status, MoveCauses.CreateKeyRenewed, ClaimedBy ?? "poster", $"a create was answered 500; the next uses key generation {CreateKeyGeneration}");
    }

    /// <summary>The vendor failed this attempt (5xx, timeout, unreachable); <paramref name="ownFailure"/> when the failure follows the payment.</summary>
    public void RecordVendorFailure(DateTimeOffset now, bool ownFailure)
    {
        if (ownFailure)
        {
            OwnFailures++;
        }

        VendorFailedAt = now;
    }

    /// <summary>The vendor answered this attempt (anything but a failure of its own).</summary>
    public void RecordVendorAnswered()
    {
        VendorFailedAt = null;
        OwnFailures = 0;
    }

    /// <summary>
    /// The vendor's answer settles it (<see cref="OutcomeMoves.StatusFor"/>): posted, declined, action required or
    /// failed, with the answer's reference (or <paramref name="vendorReference"/>, the object the answer is about),
    /// decline code, reason or next action. <paramref name="cause"/> and <paramref name="actor"/> say which door the
    /// answer came through (<see cref="MoveCauses.VendorAnswer"/> by the poster, <see cref="MoveCauses.Webhook"/>, …).
    /// </summary>
    public void Settle(PostingOutcome outcome, string cause, string actor, string? vendorReference = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentException.ThrowIfNullOrEmpty(cause);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var to = OutcomeMoves.StatusFor(outcome) ?? throw new InvalidOperationException($"{outcome.GetType().Name} settles no payment.");
        Refuse(to);
        var from = Status;
        VendorReference = vendorReference ?? VendorReference;
        switch (outcome)
        {
            case PostingOutcome.Posted posted:
                VendorReference = posted.VendorReference;
                LastError = null;
                NextActionUrl = null;
                break;
            case PostingOutcome.Declined declined:
                VendorReference = declined.VendorReference ?? VendorReference;
                DeclineCode = declined.Code;
                LastError = declined.Message;
                break;
            case PostingOutcome.ActionRequired action:
                VendorReference = action.VendorReference;
                NextActionUrl = action.NextActionUrl;
                LastError = null;
                break;
            case PostingOutcome.Failed failed:
                LastError = failed.Reason;
                break;
        }

        MoveTo(to);
        Note(from, cause, actor, to == PaymentStatus.Posted || to == PaymentStatus.ActionRequired ? null : LastError);
    }

    /// <summary>
    /// Waits for the vendor: back to <c>accepted</c> until <paramref name="nextAttemptAt"/>, saying why
    /// (<paramref name="cause"/>: <see cref="MoveCauses.CircuitOpen"/>, <see cref="MoveCauses.RetryLater"/>, …).
    /// </summary>
    public void Park(DateTimeOffset nextAttemptAt, string why, string cause, string actor)
    {
        var from = Status;
        MoveTo(PaymentStatus.Accepted, lastError: why);
        NextAttemptAt = nextAttemptAt;
        Note(from, cause, actor, why);
    }

    /// <summary>The claim is given back after an unexpected failure (a bug): <c>posting → accepted</c>, saying what failed.</summary>
    public void ReleaseClaim(string why, string actor)
    {
        var from = Status;
        MoveTo(PaymentStatus.Accepted, lastError: why);
        Note(from, MoveCauses.Released, actor, why);
    }

    /// <summary>
    /// Posting gives up (the vendor stayed away, or failed this payment too often: <see cref="MoveCauses.GaveUp"/>; or
    /// its message was poisoned: <see cref="MoveCauses.Poisoned"/>): <c>failed</c>.
    /// </summary>
    public void GiveUp(string why, string cause, string actor)
    {
        var from = Status;
        MoveTo(PaymentStatus.Failed, lastError: why);
        Note(from, cause, actor, why);
    }

    /// <summary>
    /// An operator replays it: <c>failed → accepted</c>, its replay counted, its give-up clock and its own-failure
    /// count restarted, due again at <paramref name="dueAt"/>.
    /// </summary>
    public void Reopen(DateTimeOffset dueAt, DateTimeOffset now, string actor)
    {
        var from = Status;
        MoveTo(PaymentStatus.Accepted);
        Note(from, MoveCauses.Replayed, actor);
        ReplayCount++;
        ReplayedAt = now;
        NextAttemptAt = null;
        OwnFailures = 0;
        VendorFailedAt = null;
        DueAt = dueAt;
    }

    /// <summary>Its entry in the due index is due at <paramref name="dueAt"/> (written by <see cref="PaymentRepository"/>).</summary>
    internal void TrackAt(DateTimeOffset dueAt) => DueAt = dueAt;

    /// <summary>
    /// The first move, of a payment about to be recorded: intake (or its mail-in batch) accepted it. The row itself is
    /// its record (<see cref="RecordedMove()"/>), written by the same insert, so it counts as move 1 and adds no entity.
    /// </summary>
    internal void NoteRecorded()
    {
        if (Moves == 0)
        {
            Moves = 1;
        }
    }

    /// <summary>Move 1 of a payment, as its row records it: accepted at <see cref="AcceptedAt"/>, by its caller or its mail-in batch.</summary>
    internal PaymentMove RecordedMove() => RecordedMove(AcceptedAt, BatchId, SubmittedBy);

    /// <summary>Move 1 of a payment accepted at <paramref name="acceptedAt"/> by its mail-in batch or its caller.</summary>
    internal static PaymentMove RecordedMove(DateTimeOffset acceptedAt, string? batchId, string? submittedBy) =>
        new(1, acceptedAt, null, PaymentStatus.Accepted, MoveCauses.Accepted, batchId is { } batch ? $"batch:{batch}" : submittedBy is { } by ? $"intake:{by}" : "intake", 0, null, null, null);

    /// <summary>The pending moves were stored with the row: they are history now.</summary>
    internal void MovesStored()
    {
        Moves += _pending.Count;
        _pending.Clear();
    }

    /// <summary>Stamps a save at <paramref name="now"/>: <see cref="UpdatedAt"/>, and <see cref="PostedAt"/> when it reached <c>posted</c>.</summary>
    internal void Stamp(DateTimeOffset now)
    {
        _updatedAt = now;
        if (Status == PaymentStatus.Posted && PostedAt is null)
        {
            PostedAt = now;
        }

        for (var i = 0; i < _pending.Count; i++)
        {
            _pending[i] = _pending[i] with { At = now };
        }
    }

    /// <summary>The stored row of this payment.</summary>
    internal PaymentRow ToRow() => new()
    {
        PartitionKey = PaymentId,
        ETag = Version,
        Kind = Kind,
        CheckNumber = CheckNumber,
        ReceivedDate = ReceivedDate,
        PayerName = PayerName,
        BatchId = BatchId,
        BatchLine = BatchLine,
        SubmittedBy = SubmittedBy,
        MemberId = MemberId,
        Amount = Amount,
        Currency = Currency,
        PaymentMethodId = PaymentMethodId,
        ConfirmationTokenId = ConfirmationTokenId,
        InvoiceId = InvoiceId,
        Description = Description,
        RequestHash = RequestHash,
        Status = Status,
        AcceptedAt = AcceptedAt,
        Attempts = Attempts,
        VendorReference = VendorReference,
        CreateKeyGeneration = CreateKeyGeneration,
        CreateFailedAt = CreateFailedAt,
        ClaimedBy = ClaimedBy,
        LastError = LastError,
        DeclineCode = DeclineCode,
        NextAttemptAt = NextAttemptAt,
        NextActionUrl = NextActionUrl,
        PostedAt = PostedAt,
        ReplayCount = ReplayCount,
        ReplayedAt = ReplayedAt,
        VendorFailedAt = VendorFailedAt,
        OwnFailures = OwnFailures,
        UpdatedAt = UpdatedAt,
        DueAt = DueAt,
        Moves = Moves + _pending.Count,
    };

    /// <summary>The payment a stored row holds.</summary>
    internal static Payment FromRow(PaymentRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new Payment
        {
            PaymentId = row.PartitionKey,
            Version = row.ETag,
            Kind = row.Kind,
            CheckNumber = row.CheckNumber,
            ReceivedDate = row.ReceivedDate,
            PayerName = row.PayerName,
            BatchId = row.BatchId,
            BatchLine = row.BatchLine,
            SubmittedBy = row.SubmittedBy,
            MemberId = row.MemberId,
            Amount = row.Amount,
            Currency = row.Currency,
            PaymentMethodId = row.PaymentMethodId,
            ConfirmationTokenId = row.ConfirmationTokenId,
            InvoiceId = row.InvoiceId,
            Description = row.Description,
            RequestHash = row.RequestHash,
            Status = row.Status,
            StoredStatus = row.Status,
            AcceptedAt = row.AcceptedAt,
            Attempts = row.Attempts,
            VendorReference = row.VendorReference,
            CreateKeyGeneration = row.CreateKeyGeneration,
            CreateFailedAt = row.CreateFailedAt,
            ClaimedBy = row.ClaimedBy,
            LastError = row.LastError,
            DeclineCode = row.DeclineCode,
            NextAttemptAt = row.NextAttemptAt,
            NextActionUrl = row.NextActionUrl,
            PostedAt = row.PostedAt,
            ReplayCount = row.ReplayCount,
            ReplayedAt = row.ReplayedAt,
            VendorFailedAt = row.VendorFailedAt,
            OwnFailures = row.OwnFailures,
            UpdatedAt = row.UpdatedAt,
            DueAt = row.DueAt,
            Moves = row.Moves,
        };
    }

    /// <summary>Records a move just made (its time is the save's, set by <see cref="Stamp"/>).</summary>
    private void Note(string? from, string cause, string actor, string? detail = null) =>
        _pending.Add(new PaymentMove(Moves + _pending.Count + 1, default, from, Status, cause, actor, Attempts, VendorReference, Status == PaymentStatus.Declined ? DeclineCode : null, detail));

    private void Refuse(string to)
    {
        if (!PaymentTransitions.IsAllowed(Status, to))
        {
            throw new InvalidStatusTransitionException(PaymentId, Status, to);
        }
    }

    private void MoveTo(string to, string? lastError = null)
    {
        Refuse(to);
        Status = to;
        if (lastError is not null)
        {
            LastError = lastError;
        }

        if (to != PaymentStatus.Accepted)
        {
            NextAttemptAt = null;
        }
    }
}
