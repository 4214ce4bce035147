using System.Security.Cryptography;
using System.Text;

namespace PaymentIntake.Payments;

/// <summary>
/// The shape of payment ids, and their one derivation: <c>pay_</c> + 32 hex digits of HMAC-SHA256 over the parts
/// with a server-side secret. The same parts always name the same row, so the table's insert-if-absent is the
/// deduplication; without the secret an id cannot be computed from a guessed key.
/// </summary>
public static class PaymentId
{
    /// <summary>Prefix of every payment id.</summary>
    public const string Prefix = "pay_";

    /// <summary>The id for <paramref name="parts"/> (the first part names the namespace: <c>card</c> or <c>check</c>).</summary>
    public static string Derive(string secret, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(parts);
        var message = string.Join('\n', parts.Select(p => p.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + p));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message));
        return Prefix + Convert.ToHexStringLower(mac, 0, 16);
    }

    /// <summary>True if <paramref name="value"/> has the shape of a payment id.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 36 } && value.StartsWith(Prefix, StringComparison.Ordinal) && value.AsSpan(4).ContainsAnyExcept("0123456789abcdef") is false;
}

/// <summary>
/// Payment ids with the configured secret (<c>PaymentIntake:IdSecret</c>): a card payment's id comes from the caller
/// and its idempotency key, so two callers never share a payment; a check's from member and check number, in a
/// namespace of its own, so no card payment can take a check's id.
/// </summary>
public sealed class PaymentIds(Microsoft.Extensions.Options.IOptions<Configuration.PaymentIntakeOptions> options)
{
    /// <summary>The id of a card payment submitted by <paramref name="caller"/> under <paramref name="idempotencyKey"/>.</summary>
    public string ForCard(string caller, string idempotencyKey) => PaymentId.Derive(options.Value.IdSecret, "card", caller, idempotencyKey);

    /// <summary>The id of a mail-in check: one check is one payment, whatever batch carries it.</summary>
    public string ForCheck(string memberId, string checkNumber) => PaymentId.Derive(options.Value.IdSecret, "check", memberId, checkNumber);
}
