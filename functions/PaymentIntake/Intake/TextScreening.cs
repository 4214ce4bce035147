using System.Text.RegularExpressions;

namespace PaymentIntake.Intake;

/// <summary>
/// Screens every free-text field that reaches us (intake bodies, the idempotency key, batch lines) before anything is
/// stored, logged or sent: a primary account number (a card number: 13–19 digits, spaces or dashes allowed between
/// them, Luhn-valid) keeps PCI scope at Stripe only if it never gets in; control characters, and text Stripe would
/// refuse in a string, would fail one payment at the vendor again and again. Reasons never echo the value.
/// </summary>
public static partial class TextScreening
{
    /// <summary>Why <paramref name="value"/> of <paramref name="field"/> is refused, or null when it is acceptable.</summary>
    public static string? Problem(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (ContainsCardNumber(value))
        {
            return $"{field} looks like it contains a card number; never send card numbers (use a Stripe PaymentMethod id). The value was not stored.";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return $"{field} contains a control character (U+{(int)c:X4}); send plain text.";
            }
        }

        return null;
    }

    /// <summary>
    /// True when <paramref name="text"/> holds a Luhn-valid number of 13–19 digits: a run of digits, or consecutive
    /// groups of digits joined by single spaces or dashes as card numbers are written (<c>4242 4242 4242 4242</c>,
    /// also when more groups follow, e.g. an expiry date).
    /// </summary>
    public static bool ContainsCardNumber(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match match in DigitRun().Matches(text))
        {
            var groups = match.Value.Split([' ', '-']);
            for (var first = 0; first < groups.Length; first++)
            {
                var digits = "";
                for (var last = first; last < groups.Length && digits.Length + groups[last].Length <= 19; last++)
                {
                    digits += groups[last];
                    if (digits.Length >= 13 && Luhn(digits))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="text"/> with every card number <see cref="ContainsCardNumber"/> finds masked: each of its digits
    /// but the last four becomes <c>*</c> (separators and everything else stay, so a CSV keeps its shape).
    /// </summary>
    public static string MaskCardNumbers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = text.ToCharArray();
        foreach (Match match in DigitRun().Matches(text))
        {
            var groups = match.Value.Split([' ', '-']);
            var starts = new int[groups.Length];
            for (int g = 0, at = 0; g < groups.Length; at += groups[g].Length + 1, g++)
            {
                starts[g] = match.Index + at;
            }

            for (var first = 0; first < groups.Length; first++)
            {
                var digits = "";
                for (var last = first; last < groups.Length && digits.Length + groups[last].Length <= 19; last++)
                {
                    digits += groups[last];
                    if (digits.Length >= 13 && Luhn(digits))
                    {
                        // Mask this number's digits but its last four: from the first group's start to the last group's end.
                        var end = starts[last] + groups[last].Length;
                        var keep = 4;
                        for (var i = end - 1; i >= starts[first]; i--)
                        {
                            if (char.IsAsciiDigit(chars[i]) && keep-- <= 0)
                            {
                                chars[i] = '*';
                            }
                        }

                        first = last;
                        break;
                    }
                }
            }
        }

        return new string(chars);
    }

    private static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    /// <summary>Runs of digits with single spaces or dashes between them, at least 13 digits in all.</summary>
    [GeneratedRegex(@"\d(?:[ -]?\d){12,}")]
    private static partial Regex DigitRun();
}
