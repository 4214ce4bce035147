using PaymentIntake.Payments;
using PaymentIntake.Posting.Vendor;
using PaymentIntake.Webhooks;
using Stripe;

namespace PaymentIntake.Tests;

/// <summary>A webhook's PaymentIntent is read as the poster reads it: one meaning of each Stripe answer.</summary>
public sealed class StripeWebhookHandlerTests
{
    private static PaymentIntent Intent(string status, string? declineCode = null, string? code = null) => new()
    {
        Id = "pi_1",
        Status = status,
        LastPaymentError = declineCode is null && code is null ? null : new StripeError { Code = code ?? "card_declined", DeclineCode = declineCode, Message = "declined" },
    };

    private static string? StatusOf(string type, PaymentIntent intent) =>
        StripeWebhookHandler.OutcomeOf(type, intent) is { } outcome ? OutcomeMoves.StatusFor(outcome) : null;

    public static TheoryData<string, string, string?, string?, string?> Events => new()
    {
        { "payment_intent.succeeded", "succeeded", null, null, PaymentStatus.Posted },
        { "payment_intent.payment_failed", "requires_payment_method", "insufficient_funds", null, PaymentStatus.Declined },
        { "payment_intent.payment_failed", "requires_payment_method", null, "payment_intent_authentication_failure", PaymentStatus.Declined },
        { "payment_intent.canceled", "canceled", null, null, PaymentStatus.Failed },
        // Retryable declines are declines too (the card was consumed), read as the poster reads them.
        { "payment_intent.payment_failed", "requires_payment_method", null, "processing_error", PaymentStatus.Declined },
        { "payment_intent.payment_failed", "requires_payment_method", "try_again_later", null, PaymentStatus.Declined },
        { "payment_intent.created", "requires_payment_method", null, null, null },
        { "charge.refunded", "succeeded", null, null, null },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void OutcomeOf_Event_IsTheMoveThePosterWouldMake(string type, string status, string? declineCode, string? code, string? expected) =>
        Assert.Equal(expected, StatusOf(type, Intent(status, declineCode, code)));

    [Fact]
    public void OutcomeOf_RetryableDecline_IsWhatThePosterSaysOfTheSameIntent()
    {
        var intent = Intent("requires_payment_method", code: "processing_error");

        Assert.Equal(VendorAnswerClassifier.ForIntent(intent), StripeWebhookHandler.OutcomeOf("payment_intent.payment_failed", intent));
        Assert.True(Assert.IsType<PostingOutcome.Declined>(StripeWebhookHandler.OutcomeOf("payment_intent.payment_failed", intent)).Retryable);
    }

    [Theory]
    [InlineData(PaymentStatus.Posted, "payment_intent.payment_failed", "requires_payment_method")]
    [InlineData(PaymentStatus.Posted, "payment_intent.canceled", "canceled")]
    [InlineData(PaymentStatus.Posted, "payment_intent.succeeded", "succeeded")]
    [InlineData(PaymentStatus.Declined, "payment_intent.payment_failed", "requires_payment_method")]
    [InlineData(PaymentStatus.Failed, "payment_intent.canceled", "canceled")]
    public void OutcomeOf_EventForAPaymentAlreadyThere_IsNotApplied(string status, string type, string intentStatus) =>
        Assert.False(PaymentTransitions.IsAllowed(status, StatusOf(type, Intent(intentStatus, "generic_decline"))!));
}
