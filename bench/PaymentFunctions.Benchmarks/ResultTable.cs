using System.Globalization;

namespace PaymentFunctions.Benchmarks;

/// <summary>Prints a benchmark's results as the Markdown table that goes into docs/benchmarks.md.</summary>
internal static class ResultTable
{
    public static void Header()
    {
        Console.WriteLine();
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---:|");
    }

    /// <summary>One row; the value is formatted with the invariant culture.</summary>
    public static void Row(string measure, FormattableString value) =>
        Console.WriteLine($"| {measure} | {value.ToString(CultureInfo.InvariantCulture)} |");
}
