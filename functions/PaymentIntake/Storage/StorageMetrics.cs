using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;

namespace PaymentIntake.Storage;

/// <summary>Counts storage requests made by this process, per service (for benchmarks and operations).</summary>
public sealed class StorageMetrics
{
    private long _queueOperations;
    private long _tableOperations;

    /// <summary>Requests to the queue service.</summary>
    public long QueueOperations => Interlocked.Read(ref _queueOperations);

    /// <summary>Requests to the table service.</summary>
    public long TableOperations => Interlocked.Read(ref _tableOperations);

    /// <summary>A pipeline policy that counts every request as a queue operation.</summary>
    public HttpPipelinePolicy QueuePolicy => new CountingPolicy(() => Interlocked.Increment(ref _queueOperations));

    /// <summary>A pipeline policy that counts every request as a table operation.</summary>
    public HttpPipelinePolicy TablePolicy => new CountingPolicy(() => Interlocked.Increment(ref _tableOperations));

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
