using System.Text;
using PaymentIntake.Intake;

namespace PaymentIntake.Tests.Intake;

public sealed class TextScreeningTests
{
    [Theory]
    [InlineData("4242424242424242")]
    [InlineData("4242 4242 4242 4242")]
    [InlineData("4242-4242-4242-4242")]
    [InlineData("Card 4242 4242 4242 4242 exp 1225")]
    [InlineData("paid with 378282246310005 (amex)")]
    [InlineData("6011111111111117")]
    [InlineData("4000056655665556")]
    public void ContainsCardNumber_LuhnValidRunsOf13To19Digits_AreFound(string text) =>
        Assert.True(TextScreening.ContainsCardNumber(text));

    [Theory]
    [InlineData("4242424242424241")]
    [InlineData("M-1001")]
    [InlineData("123456789012")]
    [InlineData("Invoice 2026-11-29, check 10045")]
    [InlineData("00000000000000000000000001")]
    [InlineData("")]
    public void ContainsCardNumber_OtherText_IsNotACardNumber(string text) =>
        Assert.False(TextScreening.ContainsCardNumber(text));

    [Fact]
    public void Problem_CardNumber_IsRefusedWithoutEchoingIt()
    {
        var reason = TextScreening.Problem("description", "Card 4242 4242 4242 4242");
        Assert.NotNull(reason);
        Assert.Contains("card number", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("4242", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\0b", "U+0000")]
    [InlineData("line\nbreak", "U+000A")]
    [InlineData("bell\u0007", "U+0007")]
    [InlineData("c1\u0085", "U+0085")]
    public void Problem_ControlCharacters_AreRefused(string text, string code) =>
        Assert.Contains(code, TextScreening.Problem("description", text), StringComparison.Ordinal);

    [Fact]
    public void Problem_PlainText_Passes() =>
        Assert.Null(TextScreening.Problem("description", "Premium Q1 — Müller, ✓"));

    [Theory]
    [InlineData("""{"memberId":"4242424242424242","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "memberId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","description":"card 4242 4242 4242 4242"}""", "description")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","description":"nul \u0000 here"}""", "description")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","description":"\ud83d"}""", "description")]
    [InlineData("""{"memberId":"\ud83d","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "memberId")]
    [InlineData("""{"memberId":"M1","amount":1005,"currency":"kwd","paymentMethodId":"pm_card_visa"}""", "amount")]
    public void Validate_HostileFields_AreFieldErrors_NeverExceptions(string body, string field)
    {
        var (request, errors) = PaymentValidator.Validate(Encoding.UTF8.GetBytes(body));
        Assert.Null(request);
        Assert.True(errors!.ContainsKey(field), string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        Assert.All(errors.SelectMany(e => e.Value), m => Assert.DoesNotContain("4242", m, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ThreeDecimalCurrency_AcceptsMultiplesOfTen() =>
        Assert.Equal(1000, PaymentValidator.Validate(Encoding.UTF8.GetBytes("""{"memberId":"M1","amount":1000,"currency":"kwd","paymentMethodId":"pm_card_visa"}""")).Request!.Amount);

    [Fact]
    public void IdempotencyKey_IsNotScreened_AUuidWithDigitGroupsPasses() =>
        Assert.Null(PaymentValidator.ValidateIdempotencyKey("4f3c2a10-1d2e-4000-8567-123456789012"));

    [Theory]
    [InlineData("M-2,in_2,1.00,2,2026-11-01,Card 4242 4242 4242 4242,usd", "M-2,in_2,1.00,2,2026-11-01,Card **** **** **** 4242,usd")]
    [InlineData("4242424242424242", "************4242")]
    [InlineData("pay 5555-5555-5555-4444 now", "pay ****-****-****-4444 now")]
    [InlineData("a 4242424242424242 and 378282246310005", "a ************4242 and ***********0005")]
    [InlineData("card 4242 4242 4242 4242 exp 12 30", "card **** **** **** 4242 exp 12 30")]
    [InlineData("no card 1234567890123 here, check 1001", "no card 1234567890123 here, check 1001")] // 13 digits, not Luhn-valid
    public void MaskCardNumbers_KeepsTheLastFourDigitsAndTheShape(string text, string masked)
    {
        Assert.Equal(masked, TextScreening.MaskCardNumbers(text));
        Assert.Equal(text.Length, masked.Length);
        Assert.False(TextScreening.ContainsCardNumber(TextScreening.MaskCardNumbers(text)));
    }
}
