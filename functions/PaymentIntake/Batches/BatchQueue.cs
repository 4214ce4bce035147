using System.Text.Json;
using Azure.Storage.Queues;
using PaymentIntake.Storage;

namespace PaymentIntake.Batches;

/// <summary>Batches waiting to be processed: queue <c>batches</c>, one message (the batch id) per upload.</summary>
public sealed class BatchQueue
{
    private readonly QueueClient _queue;
    private readonly CreatedOnce _created;

    /// <summary>Creates the sender.</summary>
    public BatchQueue(QueueServiceClient queues, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(names);
        _queue = queues.GetQueueClient(names.BatchesQueue);
        _created = new(() => _queue.CreateIfNotExistsAsync(), _queue.Uri);
    }

    /// <summary>Queues a batch for processing.</summary>
    public async Task SendAsync(string batchId, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync().ConfigureAwait(false);
        await _queue.SendMessageAsync(JsonSerializer.Serialize(new BatchMessage(batchId), BatchMessage.Json), visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The body of a message on queue <c>batches</c>.</summary>
/// <param name="BatchId">The batch to process.</param>
public sealed record BatchMessage(string BatchId)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Parses a message body; throws for anything else (the host retries, then poisons it).</summary>
    public static BatchMessage Parse(string body) =>
        JsonSerializer.Deserialize<BatchMessage>(body, Json) is { BatchId.Length: > 0 } message
            ? message
            : throw new FormatException("The message is not JSON of the form {\"batchId\":\"…\"}.");
}
