using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>The exchange's calendar, section <c>Deadlines</c>.</summary>
public sealed class DeadlineOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Deadlines";

    /// <summary>
    /// The exchange's time zone, an IANA id (e.g. <c>America/New_York</c>); UTC when unset. "Today" for a mail-in check
    /// is the date there: a check received later than that is refused per line.
    /// </summary>
    public string? TimeZone { get; set; }

    /// <summary>The time zone <see cref="TimeZone"/> names (UTC when unset).</summary>
    public TimeZoneInfo Zone => string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The exchange's date at <paramref name="at"/>.</summary>
    public DateOnly DateAt(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(TimeZone))
        {
            yield break;
        }

        string? problem = null;
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            problem = $"Deadlines:TimeZone \"{TimeZone}\" is not a time zone this machine knows: use an IANA id such as America/New_York.";
        }

        if (problem is not null)
        {
            yield return new ValidationResult(problem, [nameof(TimeZone)]);
        }
    }
}
