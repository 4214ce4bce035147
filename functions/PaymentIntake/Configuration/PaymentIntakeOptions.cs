using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>Settings of intake and posting, section <c>PaymentIntake</c>.</summary>
public sealed class PaymentIntakeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "PaymentIntake";

    /// <summary>
    /// Prefix for every queue and table name. Default empty. Only for the local host and tests (isolation in one
    /// storage account); under Azure Functions the trigger names are fixed, so the app refuses to start with one there.
    /// </summary>
    [RegularExpression("^([a-z][a-z0-9]{0,19})?$", ErrorMessage = "NamePrefix must be empty or a lower-case letter followed by up to 19 lower-case letters or digits.")]
    public string NamePrefix { get; set; } = "";

    /// <summary>
    /// Secret of the payment-id derivation (HMAC-SHA256), at least 32 characters. Required; keep it for the life of
    /// the data (changing it changes every new id, so a client retrying with an old idempotency key would create a
    /// second payment). The local host fills in a fixed development value.
    /// </summary>
    [Required(ErrorMessage = "PaymentIntake:IdSecret is required (at least 32 characters; keep it stable).")]
    [MinLength(32, ErrorMessage = "PaymentIntake:IdSecret must have at least 32 characters.")]
    [NotAKeyVaultReference("PaymentIntake:IdSecret")]
    public string IdSecret { get; set; } = "";

    /// <summary>Largest <c>POST /api/payments</c> body, in bytes, enforced while reading (413 beyond). Default 16 KiB.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 16 * 1024;
}
