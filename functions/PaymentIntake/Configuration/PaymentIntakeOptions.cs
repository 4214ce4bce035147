using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>Settings of intake and posting, section <c>PaymentIntake</c>.</summary>
public sealed class PaymentIntakeOptions : IValidatableObject
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

    /// <summary>
    /// The longest an HTTP request waits on storage in total (every storage call of the request together, counted
    /// from its first one). When it is spent the request answers <c>503 storage-unavailable</c> with
    /// <c>Retry-After</c>: far inside a client's timeout and the platform's 230 s cut-off, where the Azure SDK's
    /// defaults (100 s per try, three retries) would hang. Default 6 s; 1 s to 60 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "PaymentIntake:StorageTimeout must be from 00:00:01 to 00:01:00.")]
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// The longest one storage try waits for an answer (the Azure SDK's network timeout), in every function: a hung
    /// connection is given up and tried again. Default 3 s (two tries fit in <see cref="StorageTimeout"/>); 1 s to
    /// 60 s and at most <see cref="StorageTimeout"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "PaymentIntake:StorageTryTimeout must be from 00:00:01 to 00:01:00.")]
    public TimeSpan StorageTryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StorageTryTimeout > StorageTimeout)
        {
            yield return new ValidationResult(
                $"PaymentIntake:StorageTryTimeout ({StorageTryTimeout}) must not be longer than PaymentIntake:StorageTimeout ({StorageTimeout}).",
                [nameof(StorageTryTimeout), nameof(StorageTimeout)]);
        }
    }
}
