namespace PaymentIntake.Payments;

/// <summary>
/// One move in a payment's history: when, from which status to which (<see cref="From"/> is null for the move that
/// recorded it), why (<see cref="Cause"/>, one of <see cref="MoveCauses"/>), who (<see cref="Actor"/>), the attempt it
/// belonged to, and what the vendor said. <see cref="PaymentStore"/> writes it in the payment's own partition, in one
/// entity-group transaction with the row it describes, so the history holds exactly the moves the row made.
/// </summary>
/// <param name="Sequence">1 for the first move, then one more per move (the row counts them, see <see cref="Payment.Moves"/>).</param>
/// <param name="At">When the move was saved.</param>
/// <param name="From">The status before; null for the move that recorded the payment.</param>
/// <param name="To">The status after (the same as <paramref name="From"/> for a step within <c>posting</c>).</param>
/// <param name="Cause">Why it moved: one of <see cref="MoveCauses"/>.</param>
/// <param name="Actor">Who moved it: <c>intake:{caller}</c>, <c>batch:{id}</c>, a poster instance, <c>webhook:{event}</c>, <c>reconciler</c>, <c>operator:{name}</c>.</param>
/// <param name="Attempt">The payment's posting attempts at the move.</param>
/// <param name="VendorReference">The vendor's object (<c>pi_…</c>, <c>in_…</c>) at the move, if named.</param>
/// <param name="Code">The vendor's decline code, for a decline.</param>
/// <param name="Detail">The error or reason the move carries (why it was parked, failed or given up), if any.</param>
public sealed record PaymentMove(
    int Sequence,
    DateTimeOffset At,
    string? From,
    string To,
    string Cause,
    string Actor,
    int Attempt,
    string? VendorReference,
    string? Code,
    string? Detail);

/// <summary>Why a payment moved (<see cref="PaymentMove.Cause"/>).</summary>
public static class MoveCauses
{
    /// <summary>Intake recorded it (<c>→ accepted</c>): a card payment from the API or a check from a mail-in batch.</summary>
    public const string Accepted = "accepted";

    /// <summary>A poster claimed it to call the vendor (<c>→ posting</c>), or took over a claim whose instance died.</summary>
    public const string Claimed = "claimed";

    /// <summary>The vendor named its object (the PaymentIntent, or the invoice paid): a step within <c>posting</c>.</summary>
    public const string VendorObjectNamed = "vendor-object-named";

    /// <summary>A create was answered 500, saved by Stripe under its key: the next create uses the next key (a step within <c>posting</c>).</summary>
    public const string CreateKeyRenewed = "create-key-renewed";

    /// <summary>The vendor's answer to our own call settled it (posted, declined, action required, failed).</summary>
    public const string VendorAnswer = "vendor-answer";

    /// <summary>A Stripe webhook settled it.</summary>
    public const string Webhook = "webhook";

    /// <summary>The check after 3-D Secure (the reconciler's look at an <c>action_required</c> payment) settled it.</summary>
    public const string ActionChecked = "action-checked";

    /// <summary>Parked behind the open vendor circuit, without a vendor call (<c>→ accepted</c> until the circuit allows).</summary>
    public const string CircuitOpen = "circuit-open";

    /// <summary>The vendor failed the call (5xx, timeout, unreachable) or asked to try again: <c>→ accepted</c> with a backoff.</summary>
    public const string RetryLater = "retry-later";

    /// <summary>The vendor refused our key (401/403): <c>→ accepted</c> until operators fix it.</summary>
    public const string KeyRefused = "key-refused";

    /// <summary>The vendor answered 429: <c>→ accepted</c> with a backoff.</summary>
    public const string Throttled = "throttled";

    /// <summary>An unexpected failure (a bug) gave the claim back: <c>posting → accepted</c>.</summary>
    public const string Released = "released";

    /// <summary>Posting gave up (the vendor stayed away past <c>Posting:MaxPostingAge</c>, or the payment failed too often): <c>→ failed</c>.</summary>
    public const string GaveUp = "gave-up";

    /// <summary>Its queue message reached poison: <c>→ failed</c>.</summary>
    public const string Poisoned = "poisoned";

    /// <summary>An operator replayed it from poison: <c>failed → accepted</c>.</summary>
    public const string Replayed = "replayed";
}
