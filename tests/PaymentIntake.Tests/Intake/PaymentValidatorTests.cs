using System.Text;
using PaymentIntake.Intake;

namespace PaymentIntake.Tests;

public sealed class PaymentValidatorTests
{
    private static (PaymentRequest? Request, IReadOnlyDictionary<string, string[]>? Errors) Validate(string json) =>
        PaymentValidator.Validate(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Validate_ValidBody_ReturnsNormalisedRequest()
    {
        var (request, errors) = Validate("""{"memberId":" M-1 ","amount":45600,"currency":"USD","paymentMethodId":"pm_card_visa","invoiceId":"in_1Abc","description":"Jan"}""");

        Assert.Null(errors);
        Assert.Equal(new PaymentRequest("M-1", 45600, "usd", "pm_card_visa", "in_1Abc", "Jan"), request);
    }

    [Theory]
    [InlineData("usd", 49, "amount must be at least 50 minor units (0.50 USD), Stripe's minimum charge in usd, not 49.")]
    [InlineData("jpy", 49, "amount must be at least 50 minor units (50 JPY), Stripe's minimum charge in jpy, not 49.")]
    [InlineData("gbp", 29, "amount must be at least 30 minor units (0.30 GBP), Stripe's minimum charge in gbp, not 29.")]
    public void Validate_BelowStripesMinimumCharge_NamesTheMinimum(string currency, long amount, string message)
    {
        var (_, errors) = Validate($$"""{"memberId":"M1","amount":{{amount}},"currency":"{{currency}}","paymentMethodId":"pm_card_visa"}""");

        Assert.Equal([message], errors!["amount"]);
    }

    [Theory]
    [InlineData("usd", 50)]
    [InlineData("gbp", 30)]
    [InlineData("kwd", 10)] // no documented minimum: not checked here
    public void Validate_AtStripesMinimumCharge_IsAccepted(string currency, long amount) =>
        Assert.Null(Validate($$"""{"memberId":"M1","amount":{{amount}},"currency":"{{currency}}","paymentMethodId":"pm_card_visa"}""").Errors);

    [Theory]
    [InlineData("""{"memberId":"M1","amount":12.5,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "amount")]
    [InlineData("""{"memberId":"M1","amount":"100","currency":"usd","paymentMethodId":"pm_card_visa"}""", "amount")]
    [InlineData("""{"memberId":"M1","amount":0,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "amount")]
    [InlineData("""{"memberId":"M1","amount":-5,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "amount")]
    [InlineData("""{"memberId":"M1","amount":100000000,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "amount")]
    [InlineData("""{"memberId":"M1","currency":"usd","paymentMethodId":"pm_card_visa"}""", "amount")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"xyz","paymentMethodId":"pm_card_visa"}""", "currency")]
    [InlineData("""{"memberId":"M1","amount":100,"paymentMethodId":"pm_card_visa"}""", "currency")]
    [InlineData("""{"amount":100,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "memberId")]
    [InlineData("""{"memberId":"has space","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa"}""", "memberId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":"4242424242424242"}""", "paymentMethodId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd"}""", "paymentMethodId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":""}""", "paymentMethodId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","confirmationTokenId":"ctoken_1Abc"}""", "confirmationTokenId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","confirmationTokenId":"pm_card_visa"}""", "confirmationTokenId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","confirmationTokenId":"ctoken_4242424242424242"}""", "confirmationTokenId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","confirmationTokenId":7}""", "confirmationTokenId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","confirmationTokenId":"ctoken_1Abc","invoiceId":"in_1Abc"}""", "invoiceId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","invoiceId":"inv-1"}""", "invoiceId")]
    [InlineData("""{"memberId":"M1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","description":5}""", "description")]
    [InlineData("""not json""", "body")]
    [InlineData("""[1,2]""", "body")]
    public void Validate_BadField_ReportsThatFieldOnly(string json, string field)
    {
        var (request, errors) = Validate(json);

        Assert.Null(request);
        Assert.NotNull(errors);
        Assert.Equal([field], errors.Keys);
        Assert.All(errors[field], message => Assert.False(string.IsNullOrWhiteSpace(message)));
    }

    [Fact]
    public void Validate_SeveralBadFields_ReportsEveryOne()
    {
        var (_, errors) = Validate("""{"amount":1.5,"currency":"xyz","paymentMethodId":"4242"}""");

        Assert.NotNull(errors);
        Assert.Equal(["amount", "currency", "memberId", "paymentMethodId"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    public void ValidateIdempotencyKey_MissingOrMalformed_ReturnsMessage(string? key) =>
        Assert.NotNull(PaymentValidator.ValidateIdempotencyKey(key));

    [Fact]
    public void ValidateIdempotencyKey_TooLong_ReturnsMessage() =>
        Assert.Contains("255", PaymentValidator.ValidateIdempotencyKey(new string('k', 256)), StringComparison.Ordinal);

    [Fact]
    public void ValidateIdempotencyKey_Uuid_IsAccepted() =>
        Assert.Null(PaymentValidator.ValidateIdempotencyKey(Guid.NewGuid().ToString()));

    [Fact]
    public void Validate_AConfirmationTokenInsteadOfAPaymentMethod_IsAccepted_AndLeavesTheMethodEmpty()
    {
        var (request, errors) = Validate("""{"memberId":"M-1","amount":45600,"currency":"usd","confirmationTokenId":"ctoken_1Nx9"}""");

        Assert.Null(errors);
        Assert.Equal(("", "ctoken_1Nx9"), (request!.PaymentMethodId, request.ConfirmationTokenId));
    }

    [Fact]
    public void RequestHash_OfAPaymentMethodPayment_IsUnchangedByTheTokenField()
    {
        // Rows stored before ConfirmationTokens hold the hash of the request without the field: a retry must still match.
        var request = new PaymentRequest("M-1", 45600, "usd", "pm_card_visa", null, null);

        Assert.Equal(
            """{"MemberId":"M-1","Amount":45600,"Currency":"usd","PaymentMethodId":"pm_card_visa","InvoiceId":null,"Description":null}""",
            System.Text.Json.JsonSerializer.Serialize(request));
    }
}
