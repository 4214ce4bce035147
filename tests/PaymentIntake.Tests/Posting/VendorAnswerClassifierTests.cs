using System.Net;
using PaymentIntake.Payments;
using PaymentIntake.Posting.Vendor;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Stripe;

namespace PaymentIntake.Tests;

public sealed class VendorAnswerClassifierTests
{
    private static StripeException Stripe(HttpStatusCode status, string? type = null, string? code = null, string? declineCode = null, bool shouldRetry = false, string? param = null)
    {
        using var response = new HttpResponseMessage(status);
        if (shouldRetry)
        {
            response.Headers.Add("Stripe-Should-Retry", "true");
        }

        return new StripeException(status, new StripeError { Type = type, Code = code, DeclineCode = declineCode, Param = param, Message = "vendor says" }, "vendor says")
        {
            StripeResponse = new StripeResponse(status, response.Headers, "{}"),
        };
    }

    [Fact]
    public void ForIntent_Succeeded_IsPosted() =>
        Assert.Equal(new PostingOutcome.Posted("pi_1"), VendorAnswerClassifier.ForIntent(new PaymentIntent { Id = "pi_1", Status = "succeeded" }));

    [Fact]
    public void ForIntent_RequiresAction_IsActionRequiredWithUrl()
    {
        var intent = new PaymentIntent
        {
            Id = "pi_1",
            Status = "requires_action",
            NextAction = new PaymentIntentNextAction { RedirectToUrl = new PaymentIntentNextActionRedirectToUrl { Url = "https://bank/3ds" } },
        };

        Assert.Equal(new PostingOutcome.ActionRequired("pi_1", "https://bank/3ds"), VendorAnswerClassifier.ForIntent(intent));
    }

    [Fact]
    public void ForIntent_RequiresPaymentMethodAfterError_IsDeclined()
    {
        var intent = new PaymentIntent { Id = "pi_1", Status = "requires_payment_method", LastPaymentError = new StripeError { Code = "card_declined", DeclineCode = "insufficient_funds", Message = "no money" } };

        Assert.Equal(new PostingOutcome.Declined("pi_1", "insufficient_funds", "no money"), VendorAnswerClassifier.ForIntent(intent));
    }

    [Theory]
    [InlineData("requires_payment_method")]
    [InlineData("requires_confirmation")]
    public void ForIntent_NotConfirmed_NeedsConfirmation(string status) =>
        Assert.Equal(new PostingOutcome.ConfirmNeeded("pi_1"), VendorAnswerClassifier.ForIntent(new PaymentIntent { Id = "pi_1", Status = status }));

    [Fact]
    public void ForIntent_Processing_IsRetryLater() =>
        Assert.IsType<PostingOutcome.RetryLater>(VendorAnswerClassifier.ForIntent(new PaymentIntent { Id = "pi_1", Status = "processing" }));

    [Theory]
    [InlineData("canceled")]
    [InlineData("something_new")]
    public void ForIntent_CanceledOrUnknown_IsFailed(string status) =>
        Assert.IsType<PostingOutcome.Failed>(VendorAnswerClassifier.ForIntent(new PaymentIntent { Id = "pi_1", Status = status }));

    [Fact]
    public void ForException_CardError_IsDeclinedWithDeclineCode()
    {
        var outcome = VendorAnswerClassifier.ForException(Stripe(HttpStatusCode.PaymentRequired, "card_error", "card_declined", "generic_decline"), "pi_1");

        Assert.Equal(new PostingOutcome.Declined("pi_1", "generic_decline", "vendor says"), outcome);
    }

    [Theory]
    [InlineData("processing_error")]
    [InlineData("try_again_later")]
    [InlineData("issuer_not_available")]
    public void ForException_RetryableDecline_IsDeclinedWithTheHintToPayAgain(string declineCode)
    {
        var outcome = VendorAnswerClassifier.ForException(Stripe(HttpStatusCode.PaymentRequired, "card_error", "card_declined", declineCode), "pi_1");

        var declined = Assert.IsType<PostingOutcome.Declined>(outcome);
        Assert.Equal((declineCode, true), (declined.Code, declined.Retryable));
        Assert.EndsWith(VendorAnswerClassifier.RetryableDeclineHint, declined.Message, StringComparison.Ordinal);
        Assert.False(VendorAnswerClassifier.IsTransient(Stripe(HttpStatusCode.PaymentRequired, "card_error", "card_declined", declineCode)));
    }

    [Fact]
    public void ForIntent_AfterARetryableDecline_IsTheSameDecline()
    {
        var intent = new PaymentIntent { Id = "pi_1", Status = "requires_payment_method", LastPaymentError = new StripeError { Code = "card_declined", DeclineCode = "try_again_later", Message = "vendor says" } };

        Assert.Equal(VendorAnswerClassifier.ForException(Stripe(HttpStatusCode.PaymentRequired, "card_error", "card_declined", "try_again_later"), "pi_1"), VendorAnswerClassifier.ForIntent(intent));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public void ForException_VendorUnavailableStatus_IsRetryLater(HttpStatusCode status) =>
        Assert.IsType<PostingOutcome.RetryLater>(VendorAnswerClassifier.ForException(Stripe(status, "api_error"), null));

    /// <summary>Our key refused is a misconfiguration: retried later, never an outage, never retried within the attempt.</summary>
    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, 401)]
    [InlineData(HttpStatusCode.Forbidden, 403)]
    public void ForException_KeyRefused_IsMisconfiguredNotAnOutage(HttpStatusCode status, int code)
    {
        var error = Stripe(status, "invalid_request_error");

        var later = Assert.IsType<PostingOutcome.RetryLater>(VendorAnswerClassifier.ForException(error, null));

        Assert.Equal((false, (int?)code), (later.VendorUnavailable, later.KeyRefusedWith));
        Assert.False(VendorAnswerClassifier.IsTransient(error));
    }

    /// <summary>A 429 is Stripe answering: throttled, retried after a backoff, never counted toward the circuit.</summary>
    [Fact]
    public void ForException_RateLimited_IsThrottledNotAnOutage()
    {
        var error = Stripe(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit");

        var later = Assert.IsType<PostingOutcome.RetryLater>(VendorAnswerClassifier.ForException(error, null));

        Assert.Equal((false, true), (later.VendorUnavailable, later.Throttled));
        Assert.True(VendorAnswerClassifier.IsTransient(error));
    }

    [Fact]
    public void ForException_ShouldRetryHeaderOnA400_IsRetryLater() =>
        Assert.IsType<PostingOutcome.RetryLater>(VendorAnswerClassifier.ForException(Stripe(HttpStatusCode.BadRequest, "invalid_request_error", shouldRetry: true), null));

    [Fact]
    public void ForException_IntentMovedOnAtTheVendor_IsRetryLater() =>
        Assert.IsType<PostingOutcome.RetryLater>(VendorAnswerClassifier.ForException(Stripe(HttpStatusCode.BadRequest, "invalid_request_error", "payment_intent_unexpected_state"), "pi_1"));

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "invalid_request_error")]
    [InlineData(HttpStatusCode.NotFound, "invalid_request_error")]
    public void ForException_InvalidRequest_IsFailed(HttpStatusCode status, string type) =>
        Assert.IsType<PostingOutcome.Failed>(VendorAnswerClassifier.ForException(Stripe(status, type, "resource_missing"), null));

    public static TheoryData<Exception> NetworkFailures => new()
    {
        new HttpRequestException("connection refused"),
        new TimeoutRejectedException(),
        new BrokenCircuitException(),
        new TaskCanceledException("HttpClient timeout"),
    };

    [Theory]
    [MemberData(nameof(NetworkFailures))]
    public void ForException_NetworkFailure_IsRetryLater(Exception exception) =>
        Assert.IsType<PostingOutcome.RetryLater>(VendorAnswerClassifier.ForException(exception, null));

    [Fact]
    public void ForException_OwnCancellation_IsNotClassified()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Null(VendorAnswerClassifier.ForException(new OperationCanceledException(cts.Token), null, cts.Token));
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(NullReferenceException))]
    [InlineData(typeof(FormatException))]
    public void ForException_Bug_IsNotClassified(Type type) =>
        Assert.Null(VendorAnswerClassifier.ForException((Exception)Activator.CreateInstance(type)!, null));

    [Fact]
    public void ForException_UnexpectedStatus_IsNotClassified() =>
        Assert.Null(VendorAnswerClassifier.ForException(Stripe(HttpStatusCode.Gone, "api_error"), null));

    [Fact]
    public void IsTransient_MatchesRetryLater()
    {
        Assert.True(VendorAnswerClassifier.IsTransient(Stripe(HttpStatusCode.InternalServerError)));
        Assert.False(VendorAnswerClassifier.IsTransient(Stripe(HttpStatusCode.PaymentRequired, "card_error")));
        Assert.False(VendorAnswerClassifier.IsTransient(new InvalidOperationException()));
    }

    [Theory]
    [InlineData("invalid_request_error", "parameter_unknown", null)]
    [InlineData("invalid_request_error", "parameter_missing", null)]
    [InlineData("invalid_request_error", "parameter_invalid_integer", null)]
    [InlineData("invalid_request_error", "payment_method_types_no_longer_supported", null)]
    [InlineData("invalid_request_error", null, "return_url")]
    [InlineData("idempotency_error", null, null)]
    public void ForException_OurRequestIsWrong_IsABugNotAFailedPayment(string type, string? code, string? param) =>
        Assert.Null(VendorAnswerClassifier.ForException(Stripe(HttpStatusCode.BadRequest, type, code, param: param), "pi_1"));

    [Fact]
    public void ForException_PaymentMethodReused_IsFailed() =>
        Assert.IsType<PostingOutcome.Failed>(VendorAnswerClassifier.ForException(Stripe(HttpStatusCode.BadRequest, "invalid_request_error", param: "payment_method"), null));
}
