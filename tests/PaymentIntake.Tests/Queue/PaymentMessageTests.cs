using PaymentIntake.Payments;
using PaymentIntake.Queue;

namespace PaymentIntake.Tests;

public sealed class PaymentMessageTests
{
    [Fact]
    public void Parse_MessageWithId_ReturnsIt()
    {
        var id = PaymentId.Derive("test", "k");

        Assert.Equal(id, PaymentMessage.Parse($$"""{"paymentId":"{{id}}"}""").PaymentId);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("{}")]
    [InlineData("""{"paymentId":"../etc"}""")]
    [InlineData("null")]
    public void Parse_Garbage_ThrowsInvalidMessage(string body) =>
        Assert.Throws<InvalidPaymentMessageException>(() => PaymentMessage.Parse(body));
}
