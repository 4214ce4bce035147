using PaymentIntake.Payments;
using PaymentIntake.Posting.Vendor;
using Stripe;

namespace PaymentIntake.Tests;

public sealed class InvoicePayerTests
{
    private static Invoice Invoice(string status = "open", long amountDue = 45600, string currency = "usd", long? amountRemaining = null) =>
        new() { Id = "in_1", Status = status, AmountDue = amountDue, AmountRemaining = amountRemaining ?? amountDue, Currency = currency };

    private static Payment Check(long amount = 45600, string currency = "usd") =>
        new() { PaymentId = PaymentId.Derive("test", "check:M-1:1"), Kind = PaymentKinds.Check, Amount = amount, Currency = currency, InvoiceId = "in_1" };

    /// <summary>An invoice paid in part owes its amount remaining: a check for that settles it, one for the full amount due does not.</summary>
    [Fact]
    public void Refusal_PartlyPaidInvoice_ComparesWithTheAmountRemaining()
    {
        var partlyPaid = Invoice(amountDue: 45600, amountRemaining: 20000);

        Assert.Null(InvoicePayer.Refusal(partlyPaid, Check(20000)));
        Assert.StartsWith("check amount 456.00 differs from invoice in_1's amount remaining 200.00", InvoicePayer.Refusal(partlyPaid, Check(45600)), StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_OpenInvoiceWithTheExactAmount_None() =>
        Assert.Null(InvoicePayer.Refusal(Invoice(), Check()));

    [Theory]
    [InlineData("paid", "invoice in_1 is already paid; the check was not recorded: return it to the member")]
    [InlineData("void", "invoice in_1 is void; the check was not recorded: return it to the member")]
    [InlineData("draft", "invoice in_1 is a draft (not finalized); the check was not recorded: return it to the member")]
    public void Refusal_InvoiceNotOpen_SaysWhy(string status, string reason) =>
        Assert.Equal(reason, InvoicePayer.Refusal(Invoice(status), Check()));

    [Fact]
    public void Refusal_Uncollectible_StillTakesAMatchingCheck() =>
        Assert.Null(InvoicePayer.Refusal(Invoice("uncollectible"), Check()));

    [Fact]
    public void Refusal_OtherCurrency_SaysBoth() =>
        Assert.Equal("check currency eur differs from invoice in_1's currency usd", InvoicePayer.Refusal(Invoice(), Check(currency: "eur")));

    [Fact]
    public void Refusal_CurrencyInOtherCase_IsTheSame() =>
        Assert.Null(InvoicePayer.Refusal(Invoice(currency: "USD"), Check()));

    [Theory]
    [InlineData(10000)]
    [InlineData(45601)]
    public void Refusal_OtherAmount_SaysBoth(long amount) =>
        Assert.StartsWith($"check amount {amount / 100m:0.00} differs from invoice in_1's amount remaining 456.00", InvoicePayer.Refusal(Invoice(), Check(amount)), StringComparison.Ordinal);
}
