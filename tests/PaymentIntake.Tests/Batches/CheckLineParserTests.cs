using PaymentIntake.Batches;

namespace PaymentIntake.Tests;

public sealed class CheckLineParserTests
{
    private static readonly DateOnly Today = new(2026, 11, 29);
    private static readonly DateOnly Oldest = Today.AddDays(-90);
    private const string Header = "member_id,invoice_id,amount,check_number,received_date,payer_name,currency";

    private static (List<CheckLine> Accepted, List<RejectedLine> Rejected) Parse(string text) =>
        CheckLineParser.Parse(new StringReader(text), Today, Oldest);

    private static IReadOnlyList<string> ReasonsFor(string line)
    {
        var (accepted, rejected) = Parse(Header + "\n" + line + "\n");
        Assert.Empty(accepted);
        return Assert.Single(rejected).Reasons;
    }

    [Fact]
    public void Parse_GoodLine_AcceptsItNormalised()
    {
        var (accepted, rejected) = Parse(Header + "\nM-1,in_1,\"$1,234.56\",1001,11/22/2026,Ann Lee,USD\n");

        Assert.Empty(rejected);
        Assert.Equal(new CheckLine(2, "M-1", "in_1", 123456, "usd", "1001", new DateOnly(2026, 11, 22), "Ann Lee"), Assert.Single(accepted));
    }

    [Fact]
    public void Parse_HeaderWithOtherSpelling_MatchesIgnoringCaseSpacesAndUnderscores()
    {
        var (accepted, _) = Parse("\uFEFFMember ID,INVOICE_ID,Amount,CheckNumber,received date\r\nM-1,in_1,456.00,1001,2026-11-28\r\n");

        Assert.Equal(45600, Assert.Single(accepted).Amount);
        Assert.Equal("usd", accepted[0].Currency);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    public void Parse_EmptyFile_ThrowsFormat(string text) =>
        Assert.Throws<BatchFormatException>(() => Parse(text));

    [Fact]
    public void Parse_BlankLinesBeforeTheHeader_AreSkipped() =>
        Assert.Single(Parse("\n" + Header + "\nM-1,in_1,1.00,1,2026-11-01,,\n").Accepted);

    [Fact]
    public void Parse_MissingColumns_ThrowsNamingThem()
    {
        var ex = Assert.Throws<BatchFormatException>(() => Parse("member_id,amount\nM-1,1.00\n"));

        Assert.Contains("invoice_id, check_number, received_date", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",in_1,1.00,1,2026-11-01,,", "member_id is missing")]
    [InlineData("M 1,in_1,1.00,1,2026-11-01,,", "member_id \"M 1\" must be 1 to 64 letters, digits, '-' or '_'")]
    [InlineData("M-1,,1.00,1,2026-11-01,,", "invoice_id is missing")]
    [InlineData("M-1,inv_1,1.00,1,2026-11-01,,", "invoice_id \"inv_1\" is not a Stripe invoice id (in_…)")]
    [InlineData("M-1,in_1,,1,2026-11-01,,", "amount is missing")]
    [InlineData("M-1,in_1,abc,1,2026-11-01,,", "amount \"abc\" is not an amount like 456.00 or $1,234.56")]
    [InlineData("M-1,in_1,12.345,1,2026-11-01,,", "amount \"12.345\" has more than 2 decimals (usd)")]
    [InlineData("M-1,in_1,0.00,1,2026-11-01,,", "amount \"0.00\" must be more than zero and at most 999,999.99 usd")]
    [InlineData("M-1,in_1,1000000.00,1,2026-11-01,,", "amount \"1000000.00\" must be more than zero and at most 999,999.99 usd")]
    [InlineData("M-1,in_1,100.5,1,2026-11-01,,jpy", "amount \"100.5\" has decimals, but jpy has none")]
    [InlineData("M-1,in_1,1.00,,2026-11-01,,", "check_number is missing")]
    [InlineData("M-1,in_1,1.00,#1,2026-11-01,,", "check_number \"#1\" must be 1 to 32 letters, digits or '-'")]
    [InlineData("M-1,in_1,1.00,1,,,", "received_date is missing")]
    [InlineData("M-1,in_1,1.00,1,22.12.2026,,", "received_date \"22.12.2026\" is not a date like 2013-12-22 or 12/22/2013")]
    [InlineData("M-1,in_1,1.00,1,2026-12-01,,", "received_date 2026-12-01 is later than today (2026-11-29 in the exchange's time zone, Deadlines:TimeZone)")]
    [InlineData("M-1,in_1,1.00,1,2026-11-30,,", "received_date 2026-11-30 is later than today (2026-11-29 in the exchange's time zone, Deadlines:TimeZone)")]
    [InlineData("M-1,in_1,1.00,1,2026-11-01,,xyz", "currency \"xyz\" is not a known ISO 4217 code")]
    [InlineData("M-1,in_1,1.00,1,2013-12-22,,", "received_date 2013-12-22 is older than the oldest accepted date 2026-08-31 (Batches:MaxReceivedAge)")]
    [InlineData("M-1,in_1,1.00,1,2026-08-30,,", "received_date 2026-08-30 is older than the oldest accepted date 2026-08-31 (Batches:MaxReceivedAge)")]
    public void Parse_BadField_RejectsTheLineWithTheReason(string line, string reason) =>
        Assert.Contains(reason, ReasonsFor(line));

    [Fact]
    public void Parse_ReceivedOnTheOldestAcceptedDay_IsAccepted() =>
        Assert.Single(Parse(Header + "\nM-1,in_1,1.00,1,2026-08-31,,\n").Accepted);

    [Fact]
    public void Parse_ReceivedToday_IsAccepted() =>
        Assert.Single(Parse(Header + "\nM-1,in_1,1.00,1,2026-11-29,,\n").Accepted);

    [Fact]
    public void Today_IsTheExchangesDate_InItsTimeZone()
    {
        var lateEvening = new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero); // 22:00 on the 29th in New York
        var newYork = new PaymentIntake.Configuration.DeadlineOptions { TimeZone = "America/New_York" };
        var utc = new PaymentIntake.Configuration.DeadlineOptions();

        Assert.Equal((new DateOnly(2026, 11, 29), new DateOnly(2026, 11, 30)), (newYork.DateAt(lateEvening), utc.DateAt(lateEvening)));
        var line = Header + "\nM-1,in_1,1.00,1,2026-11-30,,\n";
        Assert.Empty(CheckLineParser.Parse(new StringReader(line), newYork.DateAt(lateEvening), Oldest).Accepted);
        Assert.Single(CheckLineParser.Parse(new StringReader(line), utc.DateAt(lateEvening), Oldest).Accepted);
    }

    [Theory]
    [InlineData("America/New_York", true)]
    [InlineData("Europe/Berlin", true)]
    [InlineData(null, true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("EST5EDT-but-not", false)]
    public void DeadlineTimeZone_IsValidatedAtStart(string? zone, bool valid)
    {
        var options = new PaymentIntake.Configuration.DeadlineOptions { TimeZone = zone };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.Equal(valid, System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.All(results, r => Assert.Contains("IANA", r.ErrorMessage, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_PayerNameTooLong_Rejects() =>
        Assert.Contains("payer_name is longer than 200 characters", ReasonsFor($"M-1,in_1,1.00,1,2026-11-01,{new string('a', 201)},"));

    [Fact]
    public void Parse_SeveralBadFields_ReportsEveryReason() =>
        Assert.Equal(3, ReasonsFor(",,1.00,1,2026-11-01,,").Count + 1);

    [Fact]
    public void Parse_SameCheckTwice_RejectsTheSecondNamingTheFirst()
    {
        var (accepted, rejected) = Parse(Header + "\nM-1,in_1,1.00,77,2026-11-01,,\nM-1,in_2,2.00,77,2026-11-01,,\n");

        Assert.Single(accepted);
        Assert.Equal(["check 77 of member M-1 is already on line 2 of this file"], Assert.Single(rejected).Reasons);
        Assert.Equal(3, rejected[0].Line);
    }

    [Fact]
    public void Parse_QuotedFieldWithNewline_CountsLinesWhereRecordsStart()
    {
        var (accepted, rejected) = Parse(Header + "\nM-1,in_1,1.00,1,2026-11-01,\"Ann\nLee\",\n\nM-2,in_2,x,2,2026-11-01,,\n");

        Assert.Equal("Ann Lee", Assert.Single(accepted).PayerName); // line breaks in a name become spaces
        Assert.Equal(5, Assert.Single(rejected).Line);
    }

    [Fact]
    public void Parse_GoodAndBadLines_KeepsTheGoodOnes()
    {
        var (accepted, rejected) = Parse(Header + "\nM-1,in_1,1.00,1,2026-11-01,,\nM-2,in_2,-5,2,2026-11-01,,\nM-3,in_3,3,3,2026-11-01,,\n");

        Assert.Equal([2, 4], accepted.Select(a => a.Line));
        Assert.Equal(3, Assert.Single(rejected).Line);
    }

    [Fact]
    public void Parse_MoreThanMaxLines_ThrowsTooLarge()
    {
        var text = Header + "\n" + string.Concat(Enumerable.Range(0, CheckLineParser.MaxLines + 1).Select(i => $"M-{i},in_{i},1.00,{i},2026-11-01,,\n"));

        Assert.Throws<BatchTooLargeException>(() => Parse(text));
    }

    [Theory]
    [InlineData("M-1,in_1,123456789012345678901,1,2026-11-01,,usd")]
    [InlineData("M-1,in_1,99999999999999999999999999999999999,1,2026-11-01,,usd")]
    [InlineData("M-1,in_1,999999.999,1,2026-11-01,,kwd")]
    public void Parse_AmountTooLargeForAnyType_IsALineReason_NotAFailedBatch(string line)
    {
        var (accepted, rejected) = Parse(Header + "\n" + line + "\nM-2,in_2,1.00,2,2026-11-01,,usd\n");
        Assert.Single(accepted);
        Assert.Contains("at most", Assert.Single(rejected).Reasons.Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kwd", "1.234", 1234)]
    [InlineData("bhd", "12.5", 12500)]
    [InlineData("jpy", "4560", 4560)]
    [InlineData("usd", "456.00", 45600)]
    public void Parse_CurrencyExponentsFromIso4217(string currency, string amount, long minor) =>
        Assert.Equal(minor, Assert.Single(Parse($"{Header}\nM-1,in_1,{amount},1,2026-11-01,,{currency}\n").Accepted).Amount);

    [Fact]
    public void Parse_KwdWithFourDecimals_IsALineReason() =>
        Assert.Contains("more than 3 decimals", Assert.Single(Parse($"{Header}\nM-1,in_1,1.2345,1,2026-11-01,,kwd\n").Rejected).Reasons.Single(), StringComparison.Ordinal);

    [Fact]
    public void Parse_CardNumberAnywhereInALine_RejectsThatLineAlone_WithoutEchoingIt()
    {
        var (accepted, rejected) = Parse($"{Header}\nM-1,in_1,1.00,1,2026-11-01,,usd\nM-2,in_2,1.00,2,2026-11-01,Card 4242 4242 4242 4242,usd\nM-3,in_3,1.00,3,2026-11-29,,usd\n");

        Assert.Equal([2, 4], accepted.Select(a => a.Line));
        var card = Assert.Single(rejected);
        Assert.Equal((3, CheckLineParser.CardNumberReason), (card.Line, Assert.Single(card.Reasons)));
        Assert.DoesNotContain("4242", CheckLineParser.CardNumberReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LineNamedAsACardLine_IsRejectedEvenOnceMasked()
    {
        var (accepted, rejected) = CheckLineParser.Parse(new StringReader($"{Header}\nM-1,in_1,1.00,1,2026-11-01,Card **** **** **** 4242,usd\n"), Today, Oldest, [2]);

        Assert.Empty(accepted);
        Assert.Equal(CheckLineParser.CardNumberReason, Assert.Single(Assert.Single(rejected).Reasons));
    }

    [Fact]
    public void Parse_ControlCharacterInPayerName_IsALineReason() =>
        Assert.Contains("U+0007", Assert.Single(Parse($"{Header}\nM-1,in_1,1.00,1,2026-11-01,Ann\u0007Lee,usd\n").Rejected).Reasons.Single(), StringComparison.Ordinal);
}
