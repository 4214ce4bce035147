using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using PaymentIntake.Configuration;

namespace PaymentIntake.Posting;

/// <summary>
/// The resilience pipelines around the vendor. <see cref="Attempt"/> retries a whole posting step (read the intent,
/// then act) on transient failures, with exponential backoff and jitter, so a retry after a lost answer reads before it
/// acts. <see cref="Call"/> wraps every single HTTP request: the per-instance rate limit (requests wait their turn),
/// then a timeout. Stripe.net's own retries are off, so these are the real numbers.
/// </summary>
public sealed class VendorPipeline : IDisposable
{
    private readonly TokenBucketRateLimiter _limiter;

    /// <summary>Builds the pipelines from <see cref="StripeOptions"/> and <see cref="PostingOptions"/>.</summary>
    public VendorPipeline(IOptions<StripeOptions> stripe, IOptions<PostingOptions> posting, TimeProvider time, ILogger<VendorPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(stripe);
        ArgumentNullException.ThrowIfNull(posting);
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
                    PostingLog.TransientRetry(logger, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        Attempt = attempt.Build();

        // Tokens are refilled every 1/rate s (at most one token at a time: no burst above the rate); above 100/s the
        // refill timer runs every 10 ms with rate/100 tokens, because a shorter timer period does not work.
        var period = TimeSpan.FromSeconds(Math.Max(1.0 / posting.Value.RatePerSecond, 0.010));
        var tokens = Math.Max(1, (int)Math.Round(posting.Value.RatePerSecond * period.TotalSeconds));
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        Call = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRateLimiter(_limiter)
            .AddTimeout(o.RequestTimeout)
            .Build();
    }

    /// <summary>Retries around one posting step.</summary>
    public ResiliencePipeline Attempt { get; }

    /// <summary>Rate limit and timeout around one HTTP request.</summary>
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

    /// <summary>One HTTP request to the vendor, rate-limited and bounded by the request timeout.</summary>
    public ValueTask<T> CallAsync<T>(Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken) =>
        Call.ExecuteAsync(async ct => await request(ct).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();
}
