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

    /// <summary>
    /// The deadlines, e.g. <c>{Name: "2027-01", CoverageStart: 2027-01-01, PayBy: 2026-12-20T23:59:59}</c>: pay by
    /// <c>PayBy</c> (a local date-time in <see cref="TimeZone"/>, inclusive) for coverage from <c>CoverageStart</c>.
    /// Empty: payments carry no deadline.
    /// </summary>
    public IList<DeadlineEntry> Calendar { get; } = [];

    /// <summary>The time zone <see cref="TimeZone"/> names (UTC when unset).</summary>
    public TimeZoneInfo Zone => string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The exchange's date at <paramref name="at"/>.</summary>
    public DateOnly DateAt(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var problems = new List<ValidationResult>();
        if (!string.IsNullOrWhiteSpace(TimeZone))
        {
            try
            {
                _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                problems.Add(new($"Deadlines:TimeZone \"{TimeZone}\" is not a time zone this machine knows: use an IANA id such as America/New_York.", [nameof(TimeZone)]));
            }
        }

        for (var i = 0; i < Calendar.Count; i++)
        {
            var entry = Calendar[i];
            if (string.IsNullOrWhiteSpace(entry.Name) || entry.Name.Length > 64 || entry.Name.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
            {
                problems.Add(new($"Deadlines:Calendar:{i}:Name must be 1 to 64 characters without / \\ # ? or control characters.", [nameof(Calendar)]));
            }

            if (entry.CoverageStart == default || entry.PayBy == default)
            {
                problems.Add(new($"Deadlines:Calendar:{i} needs CoverageStart (a date) and PayBy (a local date-time).", [nameof(Calendar)]));
            }
        }

        foreach (var name in Calendar.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add(new($"Deadlines:Calendar names the deadline \"{name}\" twice.", [nameof(Calendar)]));
        }

        foreach (var pair in Calendar.OrderBy(e => e.PayBy).Zip(Calendar.OrderBy(e => e.PayBy).Skip(1)).Where(p => p.First.CoverageStart >= p.Second.CoverageStart))
        {
            problems.Add(new($"Deadlines:Calendar: \"{pair.Second.Name}\" is paid later than \"{pair.First.Name}\" but does not start later.", [nameof(Calendar)]));
        }

        return problems;
    }
}

/// <summary>One deadline of <see cref="DeadlineOptions.Calendar"/>.</summary>
public sealed class DeadlineEntry
{
    /// <summary>Its name (1–64 characters), e.g. <c>2027-01</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The coverage a payment by <see cref="PayBy"/> secures starts this day.</summary>
    public DateOnly CoverageStart { get; set; }

    /// <summary>The last local moment (inclusive) a payment meets it, in <see cref="DeadlineOptions.TimeZone"/>.</summary>
    public DateTime PayBy { get; set; }
}
