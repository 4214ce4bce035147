using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using PaymentIntake.Intake;

namespace PaymentIntake.Batches;

/// <summary>A file that cannot be read as a batch at all (missing columns, not CSV).</summary>
public sealed class BatchFormatException(string message) : Exception(message);

/// <summary>More lines than a batch may hold.</summary>
public sealed class BatchTooLargeException(string message) : Exception(message);

/// <summary>
/// Reads a lockbox CSV as a stream with CsvHelper (RFC 4180: quotes, embedded commas and newlines, CRLF, BOM,
/// blank lines) and validates each line on its own. Columns are matched by header name ignoring case, spaces and
/// underscores.
/// </summary>
public static partial class CheckLineParser
{
    /// <summary>Most data lines in one batch.</summary>
    public const int MaxLines = 50_000;

    /// <summary>
    /// The reason of a line that held what looks like a card number (it never repeats the number): the line is
    /// rejected on its own, the stored copy of the file has the number masked, the other lines are recorded.
    /// </summary>
    public const string CardNumberReason = "the line holds what looks like a card number; card numbers must never be sent (the stored copy of the file has it masked), so nothing of this line was recorded";

    private static readonly string[] Required = ["memberid", "invoiceid", "amount", "checknumber", "receiveddate"];

    /// <summary>
    /// Reads every line; throws <see cref="BatchFormatException"/> or <see cref="BatchTooLargeException"/> for the whole
    /// file. A line holding a card number, or named in <paramref name="cardLines"/> (the lines masked in a stored copy),
    /// is rejected with <see cref="CardNumberReason"/>. A check received after <paramref name="today"/> (the exchange's
    /// date) or before <paramref name="oldest"/> is rejected.
    /// </summary>
    public static (List<CheckLine> Accepted, List<RejectedLine> Rejected) Parse(TextReader reader, DateOnly today, DateOnly oldest, IReadOnlyCollection<int>? cardLines = null)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = true,
            // Blank lines are read (and skipped below) so that RawRow counts them: the line numbers in the report
            // are the lines a person sees in the file.
            IgnoreBlankLines = false,
            TrimOptions = TrimOptions.Trim,
            MissingFieldFound = null,
            BadDataFound = null,
            DetectColumnCountChanges = false,
        };
        using var csv = new CsvReader(reader, config);
        if (!ReadNonBlank(csv) || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
        {
            throw new BatchFormatException("The file is empty: it needs a header line with member_id, invoice_id, amount, check_number, received_date.");
        }

        var columns = header.Select((name, index) => (Key: Normalize(name), index)).GroupBy(c => c.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().index, StringComparer.Ordinal);
        var missing = Required.Where(r => !columns.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            throw new BatchFormatException($"The header lacks the column(s) {string.Join(", ", missing.Select(Pretty))}; it has {string.Join(", ", header.Select(h => $"\"{h}\""))}.");
        }

        var accepted = new List<CheckLine>();
        var rejected = new List<RejectedLine>();
        var seen = new Dictionary<(string, string), int>();
        var lastRawRow = csv.Parser.RawRow;
        while (csv.Read())
        {
            var line = lastRawRow + 1;
            lastRawRow = csv.Parser.RawRow;
            if (IsBlank(csv))
            {
                continue;
            }

            if (accepted.Count + rejected.Count >= MaxLines)
            {
                throw new BatchTooLargeException($"A batch holds at most {MaxLines:N0} lines; this file has more.");
            }

            if ((cardLines?.Contains(line) ?? false) || (csv.Parser.Record is { } fields && fields.Any(TextScreening.ContainsCardNumber)))
            {
                rejected.Add(new RejectedLine(line, [CardNumberReason]));
                continue;
            }

            string? Field(string name) => columns.TryGetValue(name, out var i) && csv.TryGetField<string>(i, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
            var reasons = new List<string>();
            CheckLine? check;
            try
            {
                (check, var lineReasons) = Validate(line, Field, today, oldest);
                reasons.AddRange(lineReasons);
            }
#pragma warning disable CA1031 // No input in one line may fail the batch: whatever a line throws becomes its reason.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                check = null;
                reasons.Add($"the line could not be read ({ex.GetType().Name})");
            }

            if (check is not null)
            {
                if (seen.TryGetValue((check.MemberId, check.CheckNumber), out var first))
                {
                    reasons.Add($"check {check.CheckNumber} of member {check.MemberId} is already on line {first} of this file");
                }
                else
                {
                    seen[(check.MemberId, check.CheckNumber)] = line;
                }
            }

            if (reasons.Count > 0)
            {
                rejected.Add(new RejectedLine(line, reasons));
            }
            else
            {
                accepted.Add(check!);
            }
        }

        return (accepted, rejected);
    }

    private static (CheckLine? Check, List<string> Reasons) Validate(int line, Func<string, string?> field, DateOnly today, DateOnly oldest)
    {
        var reasons = new List<string>();
        var memberId = field("memberid");
        if (memberId is null)
        {
            reasons.Add("member_id is missing");
        }
        else if (!Intake.PaymentValidator.IsMemberId(memberId))
        {
            reasons.Add($"member_id \"{memberId}\" must be 1 to 64 letters, digits, '-' or '_'");
        }

        var invoiceId = field("invoiceid");
        if (invoiceId is null)
        {
            reasons.Add("invoice_id is missing");
        }
        else if (!InvoiceId().IsMatch(invoiceId))
        {
            reasons.Add($"invoice_id \"{invoiceId}\" is not a Stripe invoice id (in_…)");
        }

        var currency = (field("currency") ?? "usd").ToLowerInvariant();
        if (!Currencies.IsKnown(currency))
        {
            reasons.Add($"currency \"{currency}\" is not a known ISO 4217 code");
        }

        var amount = ParseAmount(field("amount"), currency, reasons);

        var checkNumber = field("checknumber");
        if (checkNumber is null)
        {
            reasons.Add("check_number is missing");
        }
        else if (!CheckNumber().IsMatch(checkNumber))
        {
            reasons.Add($"check_number \"{checkNumber}\" must be 1 to 32 letters, digits or '-'");
        }

        var received = field("receiveddate");
        DateOnly receivedDate = default;
        if (received is null)
        {
            reasons.Add("received_date is missing");
        }
        else if (!DateOnly.TryParseExact(received, ["yyyy-MM-dd", "M/d/yyyy", "MM/dd/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out receivedDate))
        {
            reasons.Add($"received_date \"{received}\" is not a date like 2013-12-22 or 12/22/2013");
        }
        else if (receivedDate > today)
        {
            reasons.Add($"received_date {receivedDate:yyyy-MM-dd} is later than today ({today:yyyy-MM-dd} in the exchange's time zone, Deadlines:TimeZone)");
        }
        else if (receivedDate < oldest)
        {
            reasons.Add($"received_date {receivedDate:yyyy-MM-dd} is older than the oldest accepted date {oldest:yyyy-MM-dd} (Batches:MaxReceivedAge)");
        }

        // A name written over two lines (a quoted field with a line break) is one name: whitespace runs become one space.
        var payer = field("payername") is { } rawPayer ? Whitespace().Replace(rawPayer, " ") : null;
        if (TextScreening.Problem("payer_name", payer) is { } payerProblem)
        {
            reasons.Add(payerProblem);
        }
        else if (payer is { Length: > 200 })
        {
            reasons.Add("payer_name is longer than 200 characters");
        }

        return reasons.Count > 0
            ? (null, reasons)
            : (new CheckLine(line, memberId!, invoiceId!, amount!.Value, currency, checkNumber!, receivedDate, payer), reasons);
    }

    /// <summary>
    /// An amount as written on a check (<c>456.00</c>, <c>$1,234.56</c>) to minor units of its currency (ISO 4217
    /// exponent: 0 for JPY, 2 for USD, 3 for KWD). Never throws: any number, however long, is a value or a reason.
    /// </summary>
    public static long? ParseAmount(string? text, string currency, List<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        if (text is null)
        {
            reasons.Add("amount is missing");
            return null;
        }

        var cleaned = text.Replace("$", "", StringComparison.Ordinal).Trim();
        if (!AmountShape().IsMatch(cleaned))
        {
            reasons.Add($"amount \"{text}\" is not an amount like 456.00 or $1,234.56");
            return null;
        }

        var digits = cleaned.Replace(",", "", StringComparison.Ordinal);
        var decimals = digits.Contains('.', StringComparison.Ordinal) ? digits.Length - digits.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        var allowed = Currencies.Exponent(currency);
        if (decimals > allowed)
        {
            reasons.Add(allowed == 0 ? $"amount \"{text}\" has decimals, but {currency} has none" : $"amount \"{text}\" has more than {allowed} decimals ({currency})");
            return null;
        }

        var largest = PaymentValidator.MaxAmount / Pow10(allowed);
        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value * Pow10(allowed) is var minor && (minor < 1 || minor > PaymentValidator.MaxAmount))
        {
            reasons.Add($"amount \"{text}\" must be more than zero and at most {largest.ToString("N" + allowed, CultureInfo.InvariantCulture)} {currency}");
            return null;
        }

        return (long)minor;
    }

    private static decimal Pow10(int exponent) => exponent switch { 0 => 1m, 1 => 10m, 2 => 100m, _ => 1000m };

    private static bool IsBlank(CsvReader csv) => csv.Parser.Record is not { } fields || fields.All(string.IsNullOrWhiteSpace);

    private static bool ReadNonBlank(CsvReader csv)
    {
        while (csv.Read())
        {
            if (!IsBlank(csv))
            {
                return true;
            }
        }

        return false;
    }

    private static string Normalize(string header) =>
        header.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Trim('\uFEFF').ToLowerInvariant();

    private static string Pretty(string key) => key switch
    {
        "memberid" => "member_id",
        "invoiceid" => "invoice_id",
        "checknumber" => "check_number",
        "receiveddate" => "received_date",
        _ => key,
    };


    [GeneratedRegex(@"[ \t\r\n]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("^in_[A-Za-z0-9_]{1,250}$")]
    private static partial Regex InvoiceId();

    [GeneratedRegex("^[A-Za-z0-9-]{1,32}$")]
    private static partial Regex CheckNumber();

    [GeneratedRegex(@"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")]
    private static partial Regex AmountShape();
}
