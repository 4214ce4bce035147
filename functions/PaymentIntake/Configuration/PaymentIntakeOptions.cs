using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>Settings of intake and posting, section <c>PaymentIntake</c>.</summary>
public sealed class PaymentIntakeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "PaymentIntake";

    /// <summary>
    /// Prefix for every queue and table name. Default empty. Only for the local host and tests (isolation in one
    /// storage account); under Azure Functions the trigger names are fixed, so leave it empty there.
    /// </summary>
    [RegularExpression("^([a-z][a-z0-9]{0,19})?$", ErrorMessage = "NamePrefix must be empty or a lower-case letter followed by up to 19 lower-case letters or digits.")]
    public string NamePrefix { get; set; } = "";

    /// <summary>First delay before trying again when the vendor is unavailable. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryLaterBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cap of the delay between tries while the vendor is unavailable. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "6.00:00:00")]
    public TimeSpan RetryLaterMaxDelay { get; set; } = TimeSpan.FromMinutes(10);
}
