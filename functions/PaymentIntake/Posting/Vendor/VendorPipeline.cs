using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using Polly;
using Polly.Retry;

namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// The resilience pipelines around the vendor. <see cref="Attempt"/> retries a whole posting step (read the intent,
/// then act) on transient failures, with exponential backoff and jitter, so a retry after a lost answer reads before it
/// acts. Every single HTTP request waits its turn at the app-wide rates, global and per endpoint (<see cref="VendorPacer"/>), then runs under
/// <see cref="Call"/>'s timeout. Stripe.net's own retries are off, so these are the real numbers.
/// </summary>
public sealed class VendorPipeline
{
    private readonly VendorPacer _pacer;

    /// <summary>Builds the pipelines from <see cref="StripeOptions"/> and <see cref="PostingOptions"/>.</summary>
    public VendorPipeline(IOptions<StripeOptions> stripe, VendorPacer pacer, TimeProvider time, ILogger<VendorPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(stripe);
        _pacer = pacer;
        var o = stripe.Value;
        var attempt = new ResiliencePipelineBuilder { TimeProvider = time };
        if (o.MaxRetries > 0)
        {
            attempt.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(VendorAnswerClassifier.IsTransient),
                OnRetry = args =>
                {
                    VendorLog.TransientRetry(logger, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        Attempt = attempt.Build();

        Call = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(o.RequestTimeout)
            .Build();
    }

    /// <summary>Retries around one posting step.</summary>
    public ResiliencePipeline Attempt { get; }

    /// <summary>The timeout around one HTTP request (the pacer has let it through first).</summary>
    public ResiliencePipeline Call { get; }

    /// <summary>
    /// Runs one posting attempt: <paramref name="step"/> under the retry pipeline, and any failure it ends with
    /// classified into an outcome (a failure the classifier does not know is a bug, and is rethrown).
    /// </summary>
    public async Task<PostingOutcome> AttemptAsync(Func<CancellationToken, ValueTask<PostingOutcome>> step, Func<string?> vendorReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vendorReference);
        try
        {
            return await Attempt.ExecuteAsync(step, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (VendorAnswerClassifier.ForException(ex, vendorReference(), cancellationToken) is { } outcome)
        {
            return outcome;
        }
    }

    /// <summary>
    /// One HTTP request to the vendor's <paramref name="endpoint"/>, at this instance's share of the app's limits (the
    /// global one and the endpoint's), bounded by the request timeout.
    /// </summary>
    public async ValueTask<T> CallAsync<T>(StripeEndpoint endpoint, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        await _pacer.WaitAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            return await Call.ExecuteAsync(async ct => await request(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Stripe.StripeException ex) when ((int)ex.HttpStatusCode == 429)
        {
            _pacer.SlowDown(); // Stripe throttled us: send less for a while
            throw;
        }
    }
}

internal static partial class VendorLog
{
    [LoggerMessage(EventId = EventIds.TransientRetry, Level = LogLevel.Warning, Message = "Transient vendor failure, retry {Attempt} in {Delay}")]
    public static partial void TransientRetry(ILogger logger, int attempt, TimeSpan delay);
}
