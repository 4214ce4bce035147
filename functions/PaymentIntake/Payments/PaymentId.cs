using System.Security.Cryptography;
using System.Text;

namespace PaymentIntake.Payments;

/// <summary>
/// Derives the payment id from the client's idempotency key, so that the table's insert-if-absent is the
/// deduplication: the same key always names the same row.
/// </summary>
public static class PaymentId
{
    /// <summary>Prefix of every payment id.</summary>
    public const string Prefix = "pay_";

    /// <summary>The payment id for an idempotency key: <c>pay_</c> + 32 hex digits of its SHA-256.</summary>
    public static string FromIdempotencyKey(string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey));
        return Prefix + Convert.ToHexStringLower(hash, 0, 16);
    }

    /// <summary>True if <paramref name="value"/> has the shape of a payment id.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 36 } && value.StartsWith(Prefix, StringComparison.Ordinal) && value.AsSpan(4).ContainsAnyExcept("0123456789abcdef") is false;
}
