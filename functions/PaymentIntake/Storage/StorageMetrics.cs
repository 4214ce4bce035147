using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;

namespace PaymentIntake.Storage;

/// <summary>Counts queue requests made by this process (the drain benchmark reports queue operations per payment).</summary>
public sealed class StorageMetrics
{
    private long _queueOperations;

    /// <summary>Requests to the queue service.</summary>
    public long QueueOperations => Interlocked.Read(ref _queueOperations);

    /// <summary>A pipeline policy that counts every request as a queue operation.</summary>
    public HttpPipelinePolicy QueuePolicy => new CountingPolicy(() => Interlocked.Increment(ref _queueOperations));

    /// <summary>Queue client options that count their requests here.</summary>
    public QueueClientOptions QueueOptions(QueueMessageEncoding encoding)
    {
        var options = new QueueClientOptions { MessageEncoding = encoding };
        options.AddPolicy(QueuePolicy, HttpPipelinePosition.PerRetry);
        return options;
    }

    private sealed class CountingPolicy(Action count) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => count();
    }
}
