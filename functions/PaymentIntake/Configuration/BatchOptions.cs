using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>Rules for mail-in batches, section <c>Batches</c>.</summary>
public sealed class BatchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Batches";

    /// <summary>
    /// How long ago a check may have been received to be accepted (its <c>received_date</c> is the member's proof of
    /// paying on time, so a stale or mistyped date is refused per line). Default 90 days.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00", ErrorMessage = "Batches:MaxReceivedAge must be from 1 day to 36500 days (100 years).")]
    public TimeSpan MaxReceivedAge { get; set; } = TimeSpan.FromDays(90);
}
