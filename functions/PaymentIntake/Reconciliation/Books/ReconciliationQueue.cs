using System.Text.Json;
using Azure.Storage.Queues;
using PaymentIntake.Storage;

namespace PaymentIntake.Reconciliation.Books;

/// <summary>Reconciliations waiting to run: queue <c>reconciliations</c>, one message (the report's id) per run.</summary>
public sealed class ReconciliationQueue
{
    private readonly QueueClient _queue;
    private readonly CreatedOnce _created;

    /// <summary>Creates the sender.</summary>
    public ReconciliationQueue(QueueServiceClient queues, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(names);
        _queue = queues.GetQueueClient(names.ReconciliationsQueue);
        _created = new(() => _queue.CreateIfNotExistsAsync(), _queue.Uri);
    }

    /// <summary>Queues a run of the report.</summary>
    public async Task SendAsync(string reconciliationId, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync().ConfigureAwait(false);
        await _queue.SendMessageAsync(JsonSerializer.Serialize(new ReconciliationMessage(reconciliationId), ReconciliationMessage.Json), visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The body of a message on queue <c>reconciliations</c>.</summary>
/// <param name="ReconciliationId">The report to run.</param>
public sealed record ReconciliationMessage(string ReconciliationId)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Parses a message body; throws for anything else (the host retries, then poisons it).</summary>
    public static ReconciliationMessage Parse(string body) =>
        JsonSerializer.Deserialize<ReconciliationMessage>(body, Json) is { ReconciliationId.Length: > 0 } message
            ? message
            : throw new FormatException("The message is not JSON of the form {\"reconciliationId\":\"…\"}.");
}
