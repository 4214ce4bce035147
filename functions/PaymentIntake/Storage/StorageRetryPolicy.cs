using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentIntake.Storage;

/// <summary>
/// The Azure SDK's retry policy (three retries, exponential delays from 0.8 s) held to a time budget, as the SDK's
/// own "global timeout" sample does (Azure.Core, samples/Configuration.md, "Setting a custom retry policy"): each try
/// waits at most <c>PaymentIntake:StorageTryTimeout</c>; inside an HTTP request's <see cref="StorageBudget"/> no try
/// waits past the budget, no delay outlasts it and no retry starts once it is spent. A try that storage did not
/// answer in time ends in a <see cref="StorageTimeoutException"/> (the SDK's own is a bare
/// <see cref="TaskCanceledException"/>, indistinguishable from a cancelled request), and a connection cut while the
/// answer was read in a <see cref="RequestFailedException"/> with status 0, as a refused connection does — so a
/// client's broken request body (an <see cref="IOException"/> too) is never taken for a storage outage.
/// </summary>
public sealed class StorageRetryPolicy(TimeSpan tryTimeout) : RetryPolicy(Retries, new BudgetedDelay())
{
    /// <summary>Retries after the first try, as the SDK's default.</summary>
    public const int Retries = 3;

    /// <summary>Longest wait of one try, budget or not.</summary>
    public TimeSpan TryTimeout { get; } = tryTimeout;

    /// <inheritdoc />
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await base.ProcessAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception ex) when (!message.CancellationToken.IsCancellationRequested && Unavailable(ex) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <inheritdoc />
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            base.Process(message, pipeline);
        }
        catch (Exception ex) when (!message.CancellationToken.IsCancellationRequested && Unavailable(ex) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <inheritdoc />
    protected override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var remaining = StorageBudget.Current?.Remaining() ?? TryTimeout;
        message.NetworkTimeout = remaining < TryTimeout ? Max(remaining, TimeSpan.FromMilliseconds(1)) : TryTimeout;
        base.OnSendingRequest(message);
    }

    /// <inheritdoc />
    protected override ValueTask OnSendingRequestAsync(HttpMessage message)
    {
        OnSendingRequest(message);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        StorageBudget.Current?.Remaining() is not { } remaining || remaining > TimeSpan.Zero
            ? base.ShouldRetry(message, exception)
            : false;

    /// <inheritdoc />
    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        ValueTask.FromResult(ShouldRetry(message, exception));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    // What the SDK lets through bare, said as a storage failure: a try that outlasted its network timeout ends in a
    // TaskCanceledException while the caller's token is not cancelled; a connection cut while the answer was read ends
    // in an IOException (or SocketException). After several tries it throws an AggregateException of each try's failure.
    private Exception? Unavailable(Exception exception) => exception switch
    {
        AggregateException aggregate when aggregate.InnerExceptions.Any(e => Said(e) is not null) =>
            new AggregateException(aggregate.Message, aggregate.InnerExceptions.Select(e => Said(e) ?? e)),
        _ => Said(exception),
    };

    private Exception? Said(Exception exception) => exception switch
    {
        OperationCanceledException canceled => new StorageTimeoutException(TryTimeout, StorageBudget.Current?.Total, canceled),
        IOException or System.Net.Sockets.SocketException => new RequestFailedException(0, $"The connection to storage was cut while its answer was read: {exception.Message}", exception),
        _ => null,
    };

    /// <summary>The SDK's exponential delays (0.8 s doubling, at most 1 min, with jitter), cut to what is left of the budget.</summary>
    private sealed class BudgetedDelay() : DelayStrategy(jitterFactor: 0)
    {
        private readonly DelayStrategy _exponential = CreateExponentialDelayStrategy(TimeSpan.FromSeconds(0.8), TimeSpan.FromMinutes(1));

        protected override TimeSpan GetNextDelayCore(Response? response, int retryNumber)
        {
            var delay = _exponential.GetNextDelay(response, retryNumber);
            return StorageBudget.Current?.Remaining() is { } remaining && remaining < delay ? Max(remaining, TimeSpan.Zero) : delay;
        }
    }
}
