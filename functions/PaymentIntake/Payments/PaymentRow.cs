using Azure;
using Azure.Data.Tables;

namespace PaymentIntake.Payments;

/// <summary>
/// A payment's row in table <c>payments</c>, as stored: the source of truth (queue messages carry only the id).
/// PartitionKey is the payment id, so every read and write is a point operation. Storage only — the domain object is
/// <see cref="Payment"/>, which <see cref="PaymentStore"/> maps to and from this row; nothing else writes rows.
/// </summary>
public sealed class PaymentRow : ITableEntity
{
    /// <summary>The fixed RowKey of a payment row.</summary>
    public const string PaymentRowKey = "payment";

    /// <inheritdoc />
    public string PartitionKey { get; set; } = "";

    /// <inheritdoc />
    public string RowKey { get; set; } = PaymentRowKey;

    /// <inheritdoc />
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ETag ETag { get; set; }

    /// <summary>The payment id (same as PartitionKey).</summary>
    public string PaymentId => PartitionKey;

    /// <summary><c>card</c> (intake API, charged through a PaymentIntent) or <c>check</c> (mail-in, recorded against its invoice).</summary>
    public string Kind { get; set; } = PaymentKinds.Card;

    /// <summary>Check number, for mail-in checks.</summary>
    public string? CheckNumber { get; set; }

    /// <summary>When the lockbox received the check (<c>yyyy-MM-dd</c>): its deadline-relevant date.</summary>
    public string? ReceivedDate { get; set; }

    /// <summary>Name on the check, if given.</summary>
    public string? PayerName { get; set; }

    /// <summary>The mail-in batch and line it came from.</summary>
    public string? BatchId { get; set; }

    /// <summary>Line number in the batch file.</summary>
    public int? BatchLine { get; set; }

    /// <summary>The caller that submitted it (the principal's name): an intake caller reads only its own payments.</summary>
    public string? SubmittedBy { get; set; }

    /// <summary>The member who pays.</summary>
    public string MemberId { get; set; } = "";

    /// <summary>Minor units.</summary>
    public long Amount { get; set; }

    /// <summary>Lower-case ISO code.</summary>
    public string Currency { get; set; } = "";

    /// <summary>Stripe PaymentMethod id ("" when the payment carries a ConfirmationToken).</summary>
    public string PaymentMethodId { get; set; } = "";

    /// <summary>Stripe ConfirmationToken id (<c>ctoken_…</c>), or null.</summary>
    public string? ConfirmationTokenId { get; set; }

    /// <summary>Optional invoice id.</summary>
    public string? InvoiceId { get; set; }

    /// <summary>Optional description.</summary>
    public string? Description { get; set; }

    /// <summary>SHA-256 of the normalised request, to tell a replay from a reuse of the key with another body.</summary>
    public string RequestHash { get; set; } = "";

    /// <summary>One of <see cref="PaymentStatus"/> (public for the table SDK; a <see cref="Payment"/> moves only through its methods).</summary>
    public string Status { get; set; } = PaymentStatus.Accepted;

    /// <summary>When intake accepted it: the member's proof of paying on time.</summary>
    public DateTimeOffset AcceptedAt { get; set; }

    /// <summary>How many times posting was started.</summary>
    public int Attempts { get; set; }

    /// <summary>The vendor's id for it (<c>pi_…</c>), stored as soon as the vendor created it.</summary>
    public string? VendorReference { get; set; }

    /// <summary>
    /// Which idempotency key creates the PaymentIntent: <c>{paymentId}-create</c>, then <c>-create-1</c>, … Stripe saves
    /// a 500 under its key for a day, so a create answered 500 moves on to the next key (after looking for an intent the
    /// failed create may have made).
    /// </summary>
    public int CreateKeyGeneration { get; set; }

    /// <summary>When a create was last answered 500; null if never.</summary>
    public DateTimeOffset? CreateFailedAt { get; set; }

    /// <summary>The instance that last claimed it for posting.</summary>
    public string? ClaimedBy { get; set; }

    /// <summary>Why the last attempt did not post it.</summary>
    public string? LastError { get; set; }

    /// <summary>The vendor's decline code, for declined payments.</summary>
    public string? DeclineCode { get; set; }

    /// <summary>When the next attempt is scheduled, while waiting for the vendor.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Where the member authenticates, for <c>action_required</c>.</summary>
    public string? NextActionUrl { get; set; }

    /// <summary>When the vendor charged it.</summary>
    public DateTimeOffset? PostedAt { get; set; }

    /// <summary>How many times operators replayed it from the poison queue.</summary>
    public int ReplayCount { get; set; }

    /// <summary>When operators last replayed it: the give-up clock (<c>Posting:MaxPostingAge</c>) restarts then.</summary>
    public DateTimeOffset? ReplayedAt { get; set; }

    /// <summary>When the vendor last failed this payment (5xx, timeout, unreachable); cleared by any other answer.</summary>
    public DateTimeOffset? VendorFailedAt { get; set; }

    /// <summary>
    /// Vendor failures of this payment that followed the payment, not the vendor: it had failed before, the vendor
    /// answered since, and nothing else was failing. From the first one on, its failures no longer count toward the
    /// shared circuit; at <c>Posting:OwnFailureLimit</c> the payment is given up. Cleared by any other answer and by a replay.
    /// </summary>
    public int OwnFailures { get; set; }

    /// <summary>Last change of the row.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The payment this row stores.</summary>
    public Payment ToPayment() => Payment.FromRow(this);

    /// <summary>The due time of the payment's entry in the due index (<see cref="Payment.DueAt"/>).</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>How many moves the payment's history holds: entities <c>move.000001</c>, … in this partition (<see cref="PaymentMoveEntity"/>).</summary>
    public int Moves { get; set; }
}

/// <summary>The kinds of payment.</summary>
public static class PaymentKinds
{
    /// <summary>A card payment from the intake API.</summary>
    public const string Card = "card";

    /// <summary>A paper check from a mail-in batch.</summary>
    public const string Check = "check";
}
