using PaymentIntake.Payments;
using PaymentIntake.Webhooks;
using Stripe;

namespace PaymentIntake.Tests.Webhooks;

/// <summary>An event applies only to the payment it is about: same mode as our key, same intent (or amount and currency before there is one).</summary>
public sealed class WebhookMatchTests
{
    private static Payment Row(string? vendorReference) => new PaymentRow { PartitionKey = "pay_1", Amount = 4200, Currency = "usd", VendorReference = vendorReference }.ToPayment();

    private static PaymentIntent Intent(string id = "pi_1", long amount = 4200, string currency = "usd") => new() { Id = id, Amount = amount, Currency = currency };

    [Fact]
    public void IsAbout_SameIntent_Applies() =>
        Assert.True(StripeWebhookHandler.IsAbout(Row("pi_1"), Intent(), PaymentStatus.Posted, livemode: false, "sk_test_x"));

    [Theory]
    [InlineData(PaymentStatus.Posted)]
    [InlineData(PaymentStatus.Failed)]
    public void IsAbout_OtherIntent_IsIgnored(string to) =>
        Assert.False(StripeWebhookHandler.IsAbout(Row("pi_1"), Intent("pi_orphan"), to, livemode: false, "sk_test_x"));

    [Fact]
    public void IsAbout_NoReferenceYet_AppliesWhenAmountAndCurrencyMatch_ButNeverACancel()
    {
        Assert.True(StripeWebhookHandler.IsAbout(Row(null), Intent(), PaymentStatus.Posted, livemode: false, "sk_test_x"));
        Assert.False(StripeWebhookHandler.IsAbout(Row(null), Intent(amount: 4300), PaymentStatus.Posted, livemode: false, "sk_test_x"));
        Assert.False(StripeWebhookHandler.IsAbout(Row(null), Intent(currency: "eur"), PaymentStatus.Posted, livemode: false, "sk_test_x"));
        Assert.False(StripeWebhookHandler.IsAbout(Row(null), Intent(), PaymentStatus.Failed, livemode: false, "sk_test_x"));
    }

    [Theory]
    [InlineData(true, "sk_test_x")]
    [InlineData(false, "sk_live_x")]
    public void IsAbout_OtherMode_IsIgnored(bool livemode, string key) =>
        Assert.False(StripeWebhookHandler.IsAbout(Row("pi_1"), Intent(), PaymentStatus.Posted, livemode, key));

    [Fact]
    public void IsAbout_LiveEventWithLiveKey_Applies() =>
        Assert.True(StripeWebhookHandler.IsAbout(Row("pi_1"), Intent(), PaymentStatus.Posted, livemode: true, "rk_live_x"));
}
