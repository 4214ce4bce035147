using PaymentIntake.Payments;
using PaymentIntake.Webhooks;

namespace PaymentIntake.Tests;

public sealed class StripeWebhookHandlerTests
{
    [Theory]
    [InlineData("payment_intent.succeeded", PaymentStatus.Posted)]
    [InlineData("payment_intent.payment_failed", PaymentStatus.Declined)]
    [InlineData("payment_intent.canceled", PaymentStatus.Failed)]
    [InlineData("payment_intent.created", null)]
    [InlineData("charge.refunded", null)]
    public void TargetOf_EventType_IsTheStatusItMovesTo(string type, string? status) =>
        Assert.Equal(status, StripeWebhookHandler.TargetOf(type));

    [Theory]
    [InlineData(PaymentStatus.Posted, "payment_intent.payment_failed")]
    [InlineData(PaymentStatus.Posted, "payment_intent.canceled")]
    [InlineData(PaymentStatus.Posted, "payment_intent.succeeded")]
    [InlineData(PaymentStatus.Declined, "payment_intent.payment_failed")]
    [InlineData(PaymentStatus.Failed, "payment_intent.canceled")]
    public void TargetOf_EventForAPaymentAlreadyThere_IsNotApplied(string status, string type) =>
        Assert.False(PaymentStateMachine.IsAllowed(status, StripeWebhookHandler.TargetOf(type)!));
}
