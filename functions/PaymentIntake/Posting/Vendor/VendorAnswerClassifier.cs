using System.Net;
using PaymentIntake.Payments;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Stripe;

namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// The one place that decides what a vendor answer means. Pure: no I/O, no clock; unit-tested case by case.
/// Anything it does not recognise is a bug and is left to the host's retries and the poison queue.
/// </summary>
public static class VendorAnswerClassifier
{
    /// <summary>
    /// Decline codes that ask for the payment to be tried again later rather than a new card (docs.stripe.com/declines/codes:
    /// <c>processing_error</c> "the payment should be attempted again", <c>try_again_later</c>, <c>issuer_not_available</c>
    /// "attempt the payment again", <c>reenter_transaction</c>).
    /// </summary>
    public static bool IsRetryableDecline(string? code) => code is "processing_error" or "try_again_later" or "issuer_not_available" or "reenter_transaction";

    /// <summary>What a declined payment tells the member when the issuer asks to try again.</summary>
    public const string RetryableDeclineHint = "The card issuer asks to try again: the member can pay again (the card is collected anew; one collected for a payment cannot be charged a second time).";

    /// <summary>
    /// A decline, retryable or not, is final for this payment: a PaymentMethod collected without a Customer is
    /// consumed by its confirm, successful or not, and "may not be used again" (Stripe's error text); after a
    /// failure the intent needs a new payment method (docs.stripe.com/payments/paymentintents/lifecycle). A
    /// retryable decline says so, for the member to pay again. (An invoice paid with a Customer's card can be paid
    /// again: <see cref="InvoicePayer"/> retries those.)
    /// </summary>
    private static PostingOutcome.Declined Decline(string? intentId, string code, string message) =>
        IsRetryableDecline(code)
            ? new PostingOutcome.Declined(intentId, code, $"{message} {RetryableDeclineHint}") { Retryable = true }
            : new PostingOutcome.Declined(intentId, code, message);

    /// <summary>Classifies a PaymentIntent the vendor returned.</summary>
    public static PostingOutcome ForIntent(PaymentIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        return intent.Status switch
        {
            "succeeded" => new PostingOutcome.Posted(intent.Id),
            "requires_action" => new PostingOutcome.ActionRequired(intent.Id, intent.NextAction?.RedirectToUrl?.Url),
            "requires_payment_method" when intent.LastPaymentError is { } error =>
                Decline(intent.Id, error.DeclineCode ?? error.Code ?? "card_declined", error.Message ?? "The card was declined."),
            "requires_payment_method" or "requires_confirmation" => new PostingOutcome.ConfirmNeeded(intent.Id),
            "processing" => new PostingOutcome.RetryLater("The vendor is still processing the payment."),
            "canceled" => new PostingOutcome.Failed($"The PaymentIntent {intent.Id} was canceled at the vendor."),
            _ => new PostingOutcome.Failed($"The PaymentIntent {intent.Id} has the unexpected status '{intent.Status}'."),
        };
    }

    /// <summary>
    /// Classifies a failed call; null means "not a vendor answer we know": a bug, to be rethrown.
    /// A cancellation of <paramref name="cancellationToken"/> (host shutdown) is never classified.
    /// </summary>
    public static PostingOutcome? ForException(Exception exception, string? vendorReference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            StripeException stripe => ForStripeError(stripe, vendorReference),
            TimeoutRejectedException => new PostingOutcome.RetryLater("The vendor did not answer in time."),
            BrokenCircuitException => new PostingOutcome.RetryLater("The circuit to the vendor is open."),
            HttpRequestException http => new PostingOutcome.RetryLater($"The vendor could not be reached: {http.Message}"),
            TaskCanceledException => new PostingOutcome.RetryLater("The request to the vendor timed out."),
            _ => null,
        };
    }

    /// <summary>
    /// Stripe's answers to a request the integration built wrongly (docs.stripe.com/error-codes): parameters unknown,
    /// missing or malformed, a parameter the API version no longer takes, a key reused with other parameters, or a
    /// confirm that needs a <c>return_url</c>.
    /// </summary>
    public static bool IsIntegrationError(StripeError? error) =>
        error is not null
        && (error.Code is "parameter_unknown" or "parameter_missing" or "parameter_invalid_integer" or "parameter_invalid_empty"
                or "parameter_invalid_string_blank" or "parameter_invalid_string_empty" or "payment_method_types_no_longer_supported"
            || error.Type == "idempotency_error"
            || (error.Type == "invalid_request_error" && error.Param == "return_url"));

    /// <summary>True if the failure is worth a retry within the same attempt, after a backoff (Polly's predicate): the vendor failed, or throttled.</summary>
    public static bool IsTransient(Exception exception) =>
        ForException(exception, vendorReference: null) is PostingOutcome.RetryLater { VendorUnavailable: true } or PostingOutcome.RetryLater { Throttled: true };

    private static PostingOutcome? ForStripeError(StripeException ex, string? vendorReference)
    {
        var error = ex.StripeError;
        var status = (int)ex.HttpStatusCode;
        var shouldRetry = ex.StripeResponse?.Headers is { } headers
            && headers.TryGetValues("Stripe-Should-Retry", out var values)
            && values.Contains("true", StringComparer.OrdinalIgnoreCase);

        if (error?.Type == "card_error" || ex.HttpStatusCode == HttpStatusCode.PaymentRequired)
        {
            return Decline(
                error?.PaymentIntent?.Id ?? vendorReference,
                error?.DeclineCode ?? error?.Code ?? "card_declined",
                error?.Message ?? ex.Message);
        }

        if (status == 429)
        {
            // docs.stripe.com/rate-limits: "treat these limits as maximums and don't generate unnecessary load"; retry
            // with exponential backoff. Throttling is an answer, not an outage: it never opens the circuit.
            return new PostingOutcome.RetryLater($"Vendor throttled the request (429 {error?.Code ?? error?.Type}): {error?.Message ?? ex.Message}".TrimEnd(' ', ':'))
            {
                VendorUnavailable = false,
                Throttled = true,
            };
        }

        if (shouldRetry || status >= 500 || status == 409 || status == 0)
        {
            return new PostingOutcome.RetryLater($"Vendor answered {status} {error?.Code ?? error?.Type}: {error?.Message ?? ex.Message}".TrimEnd(' ', ':'));
        }

        if (status is 401 or 403)
        {
            // Our key is wrong, revoked or lacks a permission: nothing the payment did, and not an outage; wait for
            // operators to fix the configuration (the vendor shows misconfigured).
            return new PostingOutcome.RetryLater($"Vendor refused our credentials ({status}): {error?.Message ?? ex.Message}")
            {
                VendorUnavailable = false,
                KeyRefusedWith = status,
            };
        }

        if (error?.Code == "payment_intent_unexpected_state")
        {
            // The intent moved on (e.g. a confirm whose answer was lost already succeeded): the next attempt reads it.
            return new PostingOutcome.RetryLater($"The PaymentIntent changed state at the vendor: {error.Message ?? ex.Message}");
        }

        if (status == 400 && IsIntegrationError(error))
        {
            // Our request is wrong, not the payment: a bug. The host retries and poisons it with the reason, so
            // operations see it at once and replay it after the fix, instead of the payment silently failing.
            return null;
        }

        if (status is 400 or 404)
        {
            return new PostingOutcome.Failed($"Vendor rejected the request ({status} {error?.Code ?? error?.Type}): {error?.Message ?? ex.Message}");
        }

        return null;
    }
}
