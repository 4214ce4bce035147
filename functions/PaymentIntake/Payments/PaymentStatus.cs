namespace PaymentIntake.Payments;

/// <summary>
/// The states of a payment, as strings because they are the public contract (and stored on the row).
/// <c>accepted</c> → <c>posting</c> → <c>posted</c> | <c>declined</c> | <c>action_required</c> | <c>failed</c>;
/// a payment whose posting must wait for the vendor goes back to <c>accepted</c> with a <c>nextAttemptAt</c>.
/// Which moves are allowed: <see cref="PaymentTransitions"/>; who makes them: <see cref="Payment"/>'s methods.
/// </summary>
public static class PaymentStatus
{
    /// <summary>Recorded and queued; not yet at the vendor (or waiting to try again).</summary>
    public const string Accepted = "accepted";

    /// <summary>A worker is posting it to the vendor now.</summary>
    public const string Posting = "posting";

    /// <summary>The vendor charged it.</summary>
    public const string Posted = "posted";

    /// <summary>The vendor declined it (a business answer; not retried).</summary>
    public const string Declined = "declined";

    /// <summary>The member must authenticate (3-D Secure) before the vendor can charge.</summary>
    public const string ActionRequired = "action_required";

    /// <summary>It cannot be posted (bad data or an unexpected failure); see <c>lastError</c>.</summary>
    public const string Failed = "failed";

    /// <summary>Every status.</summary>
    public static IReadOnlyList<string> All { get; } = [Accepted, Posting, Posted, Declined, ActionRequired, Failed];

    /// <summary>Posting goes on: <c>accepted</c> (waiting for an attempt) or <c>posting</c> (an attempt now).</summary>
    public static bool IsInFlight(string status) => status is Accepted or PaymentStatus.Posting;

    /// <summary>
    /// Posting has ended with an answer: <c>posted</c>, <c>declined</c> or <c>failed</c> (only a webhook or a replay
    /// moves such a payment again; <c>posted</c> never). <c>action_required</c> is neither in flight nor settled: it
    /// waits for the member, and the vendor's answer after 3-D Secure settles it.
    /// </summary>
    public static bool IsSettled(string status) => status is Posted or Declined or Failed;
}
