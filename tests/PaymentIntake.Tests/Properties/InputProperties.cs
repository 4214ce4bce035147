using System.Text;
using CsCheck;
using PaymentIntake.Batches;
using PaymentIntake.Intake;

namespace PaymentIntake.Tests.Properties;

/// <summary>
/// Property-based tests (CsCheck): hostile input of any shape is answered with reasons, never with an exception
/// nobody planned for. Each property runs thousands of generated cases; a failure prints the shrunk case and its seed.
/// </summary>
public sealed class InputProperties
{
    private const string Header = "member_id,invoice_id,amount,check_number,received_date,payer_name,currency";
    private static readonly DateOnly Today = new(2026, 11, 29);
    private static readonly DateOnly Oldest = Today.AddDays(-90);

    /// <summary>Characters that break CSV and text handling: quotes, separators, line ends, control, surrogates, digits.</summary>
    private static readonly Gen<char> HostileChar = Gen.Frequency(
        (6, Gen.Char['a', 'z']),
        (6, Gen.Char['0', '9']),
        (3, Gen.OneOf(',', '"', '\n', '\r', ' ', '-', '.', '\t', '\0', '\u00a0', '\ufeff', '\ud83d', '\ude00', 'é', '€')),
        (1, Gen.Char));

    private static readonly Gen<string> HostileText = HostileChar.Array[0, 40].Select(chars => new string(chars));

    /// <summary>A field that is sometimes plausible (so lines get past the first checks) and sometimes hostile.</summary>
    private static readonly Gen<string> Field = Gen.Frequency(
        (3, HostileText),
        (1, Gen.OneOf("M-1001", "in_1Abc", "456.00", "12345", "2026-11-20", "usd", "KWD", "jpy", "0", "-1", "99999999999999999999999", "1e5", "4242 4242 4242 4242")));

    private static readonly Gen<string> Line = Field.Array[0, 9].Select(fields => string.Join(',', fields));

    [Fact]
    public void CsvParser_AnyDataLines_EachNonBlankLineIsAcceptedOrRejectedWithAReason_AndNothingElseThrows()
    {
        Line.Array[1, 12].Sample(lines =>
        {
            var text = Header + "\n" + string.Join("\n", lines) + "\n";
            // A card number on a line rejects that line alone (its reason never repeats it).
            var (accepted, rejected) = CheckLineParser.Parse(new StringReader(text), Today, Oldest);

            Assert.All(rejected, r => Assert.NotEmpty(r.Reasons));
            Assert.DoesNotContain(rejected.SelectMany(r => r.Reasons), reason => reason.StartsWith("the line could not be read", StringComparison.Ordinal));
            var numbers = accepted.Select(a => a.Line).Concat(rejected.Select(r => r.Line)).ToList();
            Assert.Equal(numbers.Count, numbers.Distinct().Count());
            Assert.All(accepted, a =>
            {
                Assert.True(a.Amount > 0, $"line {a.Line}: amount {a.Amount}");
                Assert.False(TextScreening.ContainsCardNumber(a.MemberId + " " + a.PayerName + " " + a.CheckNumber));
                Assert.InRange(a.ReceivedDate, Oldest, Today);
            });
        }, iter: 3000);
    }

    [Fact]
    public void CsvParser_AnyBytes_AnswersWithTheBatchOrABatchError()
    {
        Gen.Byte.Array[0, 600].Sample(bytes =>
        {
            try
            {
                var (accepted, rejected) = CheckLineParser.Parse(new StringReader(Encoding.UTF8.GetString(bytes)), Today, Oldest);
                Assert.All(rejected, r => Assert.NotEmpty(r.Reasons));
                Assert.DoesNotContain(accepted, a => a.Amount <= 0);
            }
            catch (Exception ex) when (ex is BatchFormatException or BatchTooLargeException)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
        }, iter: 3000);
    }

    [Fact]
    public void PaymentValidator_AnyBytes_ReturnsExactlyOneOfRequestOrErrors()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            var (request, errors) = PaymentValidator.Validate(bytes);
            Assert.True(request is null != errors is null);
        }, iter: 5000);
    }

    [Fact]
    public void PaymentValidator_AnyFieldValues_NeverThrows_AndAcceptsOnlyWhatTheContractAllows()
    {
        var value = Gen.Frequency(
            (4, HostileText.Select(t => System.Text.Json.JsonSerializer.Serialize(t))),
            (2, Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (1, Gen.OneOf("null", "true", "[]", "{}", "1.5", "1e400", "-0", "\"usd\"", "\"pm_card_visa\"", "\"M-1\"", "45600")));
        Gen.Select(value, value, value, value, value, value).Sample((member, amount, currency, method, invoice, description) =>
        {
            var json = $"{{\"memberId\":{member},\"amount\":{amount},\"currency\":{currency},\"paymentMethodId\":{method},\"invoiceId\":{invoice},\"description\":{description}}}";
            var (request, errors) = PaymentValidator.Validate(Encoding.UTF8.GetBytes(json));
            Assert.True(request is null != errors is null, json);
            if (request is not null)
            {
                Assert.InRange(request.Amount, 1, long.MaxValue);
                Assert.True(Currencies.IsKnown(request.Currency), json);
                Assert.False(TextScreening.ContainsCardNumber(request.MemberId + " " + request.Description + " " + request.InvoiceId), json);
                Assert.DoesNotContain(request.MemberId + request.Description, c => char.IsControl(c) || char.IsSurrogate(c));
            }
        }, iter: 5000);
    }

    [Fact]
    public void TextScreening_AnyLuhnValidCardNumberInAnyText_IsFound()
    {
        var pan = Gen.Int[13, 19].SelectMany(length => Gen.Char['0', '9'].Array[length - 1]).Select(WithCheckDigit);
        var separator = Gen.OneOf("", " ", "-");
        Gen.Select(HostileText, pan, separator, HostileText).Sample((before, number, sep, after) =>
        {
            var grouped = sep.Length == 0 ? number : string.Join(sep, number.Chunk(4).Select(c => new string(c)));
            // Digits right next to the number make a longer run: a different number, which may or may not be a PAN.
            var text = before.TrimEnd("0123456789".ToCharArray()) + " " + grouped + " " + after.TrimStart("0123456789".ToCharArray());
            Assert.True(TextScreening.ContainsCardNumber(text), text);
        }, iter: 5000);
    }

    private static string WithCheckDigit(char[] body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return new string(body) + (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
