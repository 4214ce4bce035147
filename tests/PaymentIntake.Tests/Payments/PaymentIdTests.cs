using PaymentIntake.Payments;

namespace PaymentIntake.Tests;

public sealed class PaymentIdTests
{
    [Fact]
    public void FromIdempotencyKey_SameKey_SameId() =>
        Assert.Equal(PaymentId.FromIdempotencyKey("order-1"), PaymentId.FromIdempotencyKey("order-1"));

    [Fact]
    public void FromIdempotencyKey_OtherKey_OtherId() =>
        Assert.NotEqual(PaymentId.FromIdempotencyKey("order-1"), PaymentId.FromIdempotencyKey("order-2"));

    [Fact]
    public void FromIdempotencyKey_Always_IsWellFormed()
    {
        var id = PaymentId.FromIdempotencyKey("k1");

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
