using System.Text.Json;
using PaymentCtl;

namespace PaymentFunctions.Tests.Cli;

/// <summary>How paymentctl prints amounts: in the currency's major unit, with its ISO 4217 number of decimals.</summary>
public sealed class RenderTests
{
    [Theory]
    [InlineData(45600, "usd", "456.00 USD")]
    [InlineData(5, "eur", "0.05 EUR")]
    [InlineData(45600, "jpy", "45600 JPY")]
    [InlineData(12340, "kwd", "12.340 KWD")]
    [InlineData(-250, "usd", "-2.50 USD")]
    public void Money_UsesTheCurrencysExponent(long amount, string currency, string expected)
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(new { amount, currency }));

        Assert.Equal(expected, Render.Money(json.RootElement));
    }

    [Fact]
    public void Money_WithoutAmountOrCurrency_IsADash()
    {
        using var json = JsonDocument.Parse("""{"amount":100}""");

        Assert.Equal("-", Render.Money(json.RootElement));
    }
}
