using System.Collections.Frozen;

namespace PaymentIntake.Payments;

/// <summary>
/// The moves a payment's status may make; <see cref="Payment"/> refuses any other with
/// <see cref="InvalidStatusTransitionException"/>. A move to the same status is a save of the other fields (allowed
/// only while the payment is in flight).
/// </summary>
/// <remarks>
/// <code>
/// from \ to        accepted posting posted declined action_required failed
/// accepted            ✓        ✓       ✓       ✓                       ✓      (park / claim / webhook / give up)
/// posting             ✓        ✓       ✓       ✓          ✓            ✓      (retry later or release / save / outcome)
/// action_required                      ✓       ✓                       ✓      (webhook or check after 3-D Secure)
/// declined                             ✓                               ✓      (webhook: paid with another method, canceled)
/// failed              ✓                ✓       ✓                              (replay / late webhook)
/// posted                                                                      (final for good)
/// </code>
/// </remarks>
public static class PaymentTransitions
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> Allowed = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
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
        Allowed.TryGetValue(from, out var allowed) && allowed.Contains(to);

    private static FrozenSet<string> Set(params string[] statuses) => statuses.ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>A status change the table does not allow: a bug in the caller, never a business answer.</summary>
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
