using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using Polly;
using Polly.Retry;

namespace PaymentIntake.Posting;

/// <summary>
/// The one resilience pipeline around every vendor call: retry transient failures with exponential backoff and
/// jitter (outermost), each try bounded by a timeout. Stripe.net's own retries are off, so these are the real numbers.
/// </summary>
public sealed class VendorPipeline
{
    /// <summary>Builds the pipeline from <see cref="StripeOptions"/>.</summary>
    public VendorPipeline(IOptions<StripeOptions> options, TimeProvider time, ILogger<VendorPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
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

        Pipeline = builder.AddTimeout(o.RequestTimeout).Build();
    }

    /// <summary>The pipeline.</summary>
    public ResiliencePipeline Pipeline { get; }
}
