using System.Globalization;
using System.Text.Json;

namespace DeployFreeze;

/// <summary>
/// <c>check --windows FILE --action provision|deploy [--at TIME] [--record FILE]</c>: exit 0 outside every freeze
/// window; inside one, exit 3 unless <c>DEPLOY_FREEZE_OVERRIDE</c> holds a reason (at least 10 characters), in which
/// case the override is appended to the record file (default <c>infra/freeze-overrides.jsonl</c>, to commit) and
/// printed. Exit 2 for bad arguments or an unreadable calendar.
/// </summary>
public static class FreezeCheck
{
    /// <summary>Exit code when the freeze refuses.</summary>
    public const int Frozen = 3;

    /// <summary>Exit code for bad arguments or an invalid calendar.</summary>
    public const int Usage = 2;

    /// <summary>The environment variable that carries an emergency override's reason.</summary>
    public const string OverrideVariable = "DEPLOY_FREEZE_OVERRIDE";

    /// <summary>Runs the check.</summary>
    public static int Run(string[] args, Func<string, string?> environment, DateTimeOffset now, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args.Length == 0 || args[0] != "check" || (args.Length - 1) % 2 != 0)
        {
            error.WriteLine("usage: DeployFreeze check --windows FILE --action provision|deploy [--at 2027-01-30T12:00:00Z] [--record FILE]");
            return Usage;
        }

        for (var i = 1; i < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        if (!options.TryGetValue("--windows", out var windowsPath) || !options.TryGetValue("--action", out var action) || action is not ("provision" or "deploy"))
        {
            error.WriteLine("DeployFreeze: --windows FILE and --action provision|deploy are required.");
            return Usage;
        }

        var at = now;
        if (options.TryGetValue("--at", out var atText) && !DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
        {
            error.WriteLine($"DeployFreeze: --at '{atText}' is not a time.");
            return Usage;
        }

        FreezeCalendar calendar;
        try
        {
            calendar = FreezeCalendar.Load(windowsPath);
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine($"DeployFreeze: {ex.Message}");
            return Usage;
        }

        var active = calendar.ActiveAt(at);
        if (active.Count == 0)
        {
            output.WriteLine($"DeployFreeze: no freeze at {at:u}; {action} may go ahead.");
            return 0;
        }

        var window = active[0];
        var describe = $"'{window.Name}' (deadline {window.Deadline:u}; frozen {window.Start:u} to {window.End:u})";
        var reason = environment(OverrideVariable)?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length < 10)
        {
            error.WriteLine($"DeployFreeze: {action} refused: inside the freeze window {describe}.");
            error.WriteLine($"  For an emergency, set {OverrideVariable}=\"<reason, at least 10 characters>\"; the override is recorded.");
            return Frozen;
        }

        var record = options.GetValueOrDefault("--record") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(windowsPath))!, "freeze-overrides.jsonl");
        var by = environment("DEPLOY_FREEZE_OVERRIDE_BY") ?? environment("USER") ?? environment("USERNAME") ?? "unknown";
        var line = JsonSerializer.Serialize(new { at = at.ToString("O", CultureInfo.InvariantCulture), action, window = window.Name, deadline = window.Deadline, by, reason });
        File.AppendAllText(record, line + Environment.NewLine);
        output.WriteLine($"DeployFreeze: OVERRIDE of the freeze window {describe} by {by}: {reason}");
        output.WriteLine($"  recorded in {record}; commit it.");
        return 0;
    }
}
