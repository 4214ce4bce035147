using System.Text.Json;
using Azure.Storage.Queues;
using PaymentIntake.Storage;

namespace PaymentIntake.Queue;

/// <summary>
/// The hand-off from intake to posting: payment messages (only the id) on queue <c>payments</c>, base64-encoded as
/// the Functions host expects; our own moves to <c>payments-poison</c>; and the failures of deliveries
/// (<see cref="MessageFailures"/>), so a poisoned message keeps its reason.
/// </summary>
public sealed class PaymentQueue
{
    private readonly MessageFailures _failures;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly CreatedOnce _created;

    /// <summary>Creates the sender for <see cref="StorageNames.PaymentsQueue"/>.</summary>
    public PaymentQueue(QueueServiceClient queues, StorageNames names, MessageFailures failures)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(names);
        _failures = failures;
        _queue = queues.GetQueueClient(names.PaymentsQueue);
        _poison = queues.GetQueueClient(names.PaymentsPoisonQueue);
        _created = new(() => Task.WhenAll(_queue.CreateIfNotExistsAsync(), _poison.CreateIfNotExistsAsync()), _queue.Uri);
    }

    /// <summary>Enqueues a payment, visible after <paramref name="delay"/> (zero: at once).</summary>
    public async Task SendAsync(string paymentId, TimeSpan delay, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync().ConfigureAwait(false);
        var body = JsonSerializer.Serialize(new PaymentMessage(paymentId), PaymentMessage.JsonOptions);
        await _queue.SendMessageAsync(body, delay > TimeSpan.Zero ? delay : null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// When the message at the head of the queue (the oldest visible one) was sent; null when no message is visible.
    /// A payment whose message would have been sent after that is still waiting behind a backlog, not lost.
    /// </summary>
    public async Task<DateTimeOffset?> HeadInsertedAtAsync(CancellationToken cancellationToken)
    {
        await _created.EnsureAsync().ConfigureAwait(false);
        var peeked = await _queue.PeekMessagesAsync(1, cancellationToken).ConfigureAwait(false);
        return peeked.Value.Length == 0 ? null : peeked.Value[0].InsertedOn;
    }

    /// <summary>Enqueues a message body as it is (replay of a message that names no payment).</summary>
    public async Task SendRawAsync(string body, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync().ConfigureAwait(false);
        await _queue.SendMessageAsync(body, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves a payment to <c>payments-poison</c> by our own decision (the host's poisoning keeps the original message).</summary>
    public async Task SendToPoisonAsync(string paymentId, string reason, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync().ConfigureAwait(false);
        var body = JsonSerializer.Serialize(new PaymentMessage(paymentId) { Reason = reason }, PaymentMessage.JsonOptions);
        await _poison.SendMessageAsync(body, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a failed delivery of <paramref name="body"/> before the host retries it (best effort).</summary>
    public Task RecordFailureAsync(string body, Exception exception, CancellationToken cancellationToken) =>
        _failures.RecordAsync(body, exception, cancellationToken);
}
