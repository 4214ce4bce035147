using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace PaymentCtl;

/// <summary>Human output as tables (Spectre.Console), or the API's JSON as it is with <c>--json</c>.</summary>
internal sealed class Render(TextWriter output, bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly IAnsiConsole _console = CreateConsole(output);

    public bool Json => json;

    public void JsonDocument(JsonElement element) => output.WriteLine(JsonSerializer.Serialize(element, Indented));

    public void Line(string text) => output.WriteLine(text);

    public void KeyValues(string title, IEnumerable<(string Key, string? Value)> rows)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumn("field").AddColumn("value");
        foreach (var (key, value) in rows)
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(value ?? "-"));
        }

        _console.Write(table);
    }

    public void Table(string title, string[] columns, IEnumerable<string?[]> rows)
    {
        var table = new Table().Title(Markup.Escape(title));
        foreach (var column in columns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(c => Markup.Escape(c ?? "-")).ToArray());
        }

        _console.Write(table);
    }

    /// <summary>A property as display text, or null when absent.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "yes",
                JsonValueKind.False => "no",
                _ => value.GetRawText(),
            }
            : null;

    public static string Money(JsonElement element)
    {
        if (!element.TryGetProperty("amount", out var amount) || !element.TryGetProperty("currency", out var currency) || currency.GetString() is not { } code)
        {
            return "-";
        }

        // Amounts are in the currency's minor unit: ISO 4217 exponent 0 (JPY), 2 (USD) or 3 (KWD).
        var exponent = PaymentIntake.Intake.Currencies.Exponent(code.ToLowerInvariant());
        var major = amount.GetInt64() / (decimal)Math.Pow(10, exponent);
        return major.ToString(exponent == 0 ? "0" : "0." + new string('0', exponent), CultureInfo.InvariantCulture) + " " + code.ToUpperInvariant();
    }

    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = TerminalWidth(output) ?? 160;
        return console;
    }

    /// <summary>The terminal's width when <paramref name="output"/> is the console and stdout is a terminal; else null (files and pipes get 160 columns).</summary>
    private static int? TerminalWidth(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            return null;
        }

        try
        {
            return Console.WindowWidth is > 0 and var width ? Math.Max(40, width) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
