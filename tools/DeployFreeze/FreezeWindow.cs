using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeployFreeze;

/// <summary>A premium deadline and the days around it in which nothing is provisioned or deployed.</summary>
/// <param name="Name">What the deadline is, e.g. "Q1 premium due".</param>
/// <param name="Deadline">The deadline (UTC).</param>
/// <param name="DaysBefore">Frozen days before the deadline.</param>
/// <param name="DaysAfter">Frozen days after it (late payments and mail-in batches still arrive).</param>
public sealed record FreezeWindow(string Name, DateTimeOffset Deadline, int DaysBefore, int DaysAfter)
{
    /// <summary>First frozen moment.</summary>
    public DateTimeOffset Start => Deadline.AddDays(-DaysBefore);

    /// <summary>First moment after the freeze.</summary>
    public DateTimeOffset End => Deadline.AddDays(DaysAfter);

    /// <summary>True when <paramref name="at"/> is inside the window.</summary>
    public bool Contains(DateTimeOffset at) => at >= Start && at < End;
}

/// <summary>The checked-in list of freeze windows (<c>infra/freeze-windows.json</c>).</summary>
public sealed record FreezeCalendar(IReadOnlyList<FreezeWindow> Windows)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Reads and checks the file; throws <see cref="InvalidDataException"/> with the reason when it is not a valid calendar.</summary>
    public static FreezeCalendar Load(string path)
    {
        FreezeCalendar? calendar;
        try
        {
            calendar = JsonSerializer.Deserialize<FreezeCalendar>(File.ReadAllText(path), Json);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        if (calendar?.Windows is null)
        {
            throw new InvalidDataException($"{path}: expected {{ \"windows\": [ ... ] }}.");
        }

        foreach (var window in calendar.Windows)
        {
            if (string.IsNullOrWhiteSpace(window.Name) || window.Deadline == default || window.DaysBefore < 0 || window.DaysAfter < 0 || window.DaysBefore + window.DaysAfter > 60)
            {
                throw new InvalidDataException($"{path}: window '{window.Name}' needs a name, a deadline and 0 to 60 frozen days in all.");
            }
        }

        return calendar;
    }

    /// <summary>The windows that contain <paramref name="at"/>.</summary>
    public IReadOnlyList<FreezeWindow> ActiveAt(DateTimeOffset at) => Windows.Where(w => w.Contains(at)).ToList();
}
