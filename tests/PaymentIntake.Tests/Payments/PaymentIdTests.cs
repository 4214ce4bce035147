using PaymentIntake.Payments;

namespace PaymentIntake.Tests;

public sealed class PaymentIdTests
{
    [Fact]
    public void Derive_SameParts_SameId() =>
        Assert.Equal(PaymentId.Derive("test", "order-1"), PaymentId.Derive("test", "order-1"));

    [Fact]
    public void Derive_OtherSecret_OtherId() =>
        Assert.NotEqual(PaymentId.Derive("secret-one", "card", "caller", "order-1"), PaymentId.Derive("secret-two", "card", "caller", "order-1"));

    [Fact]
    public void Derive_PartsThatConcatenateAlike_DifferentIds() =>
        Assert.NotEqual(PaymentId.Derive("s", "card", "ab", "c"), PaymentId.Derive("s", "card", "a", "bc"));

    [Fact]
    public void ForCard_TwoCallersOneKey_TwoPayments_AndChecksHaveTheirOwnNamespace()
    {
        var ids = new PaymentIds(Microsoft.Extensions.Options.Options.Create(new PaymentIntake.Configuration.PaymentIntakeOptions { IdSecret = new string('s', 32) }));

        Assert.NotEqual(ids.ForCard("front-end-a", "order-1"), ids.ForCard("front-end-b", "order-1"));
        Assert.NotEqual(ids.ForCheck("M-1001", "1234"), ids.ForCard("M-1001", "1234"));
        Assert.Equal(ids.ForCheck("M-1001", "1234"), ids.ForCheck("M-1001", "1234"));
    }

    [Fact]
    public void Derive_OtherKey_OtherId() =>
        Assert.NotEqual(PaymentId.Derive("test", "order-1"), PaymentId.Derive("test", "order-2"));

    [Fact]
    public void Derive_Always_IsWellFormed()
    {
        var id = PaymentId.Derive("test", "k1");

        Assert.StartsWith("pay_", id, StringComparison.Ordinal);
        Assert.Equal(36, id.Length);
        Assert.True(PaymentId.IsWellFormed(id));
    }

    [Theory]
    [InlineData("pay_XYZ")]
    [InlineData("pi_6ab9f1eb8f7d3388f4f9d586f66e99fd1")]
    [InlineData("pay_6AB9F1EB8F7D3388F4F9D586F66E99FD")]
    [InlineData(null)]
    public void IsWellFormed_OtherShapes_False(string? value) => Assert.False(PaymentId.IsWellFormed(value));
}
