using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentFunctions.LocalHost;

/// <summary>
/// Runs one queue-triggered function with the Functions host's documented semantics: fetch up to batchSize messages,
/// fetch again when fewer than newBatchThreshold are in flight, poll empty queues with exponential backoff up to
/// maxPollingInterval, delete on success, on failure make the message visible again after visibilityTimeout, and after
/// maxDequeueCount failures move it to <c>&lt;queue&gt;-poison</c>. As the Storage Queues extension 5.3.10 does (the
/// differential tests run both on the same messages), a message whose body is not base64 (under the default
/// encoding) and a message received with a dequeue count already past maxDequeueCount go to poison without running
/// the function.
/// </summary>
internal sealed partial class QueueTriggerPump(
    QueueFunction function,
    HostSettings settings,
    IServiceProvider services,
    StorageClients storage,
    IOptions<PaymentIntakeOptions> intake,
    TimeProvider time,
    ILogger<QueueTriggerPump> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueName = StorageNames.Apply(intake.Value.NamePrefix, function.QueueName);
        var service = storage.Queues(QueueMessageEncoding.None);
        var queue = service.GetQueueClient(queueName);
        var poison = service.GetQueueClient(QueueNames.PoisonOf(queueName));
        // Like the Storage Queues extension, the pump creates no queue: it polls a missing one as an empty one, and the
        // poison queue is created when the first message is moved there.

        var inFlight = new HashSet<Task>();
        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, LeaseTime, stoppingToken).ConfigureAwait(false)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                messages = []; // the queue does not exist yet: nothing to do until the first message creates it
            }
            catch (RequestFailedException ex)
            {
                Log.ReceiveFailed(logger, ex, queueName);
                messages = [];
            }

            foreach (var message in messages)
            {
                inFlight.Add(ProcessAsync(queue, poison, message, stoppingToken));
            }

            if (messages.Length == 0)
            {
                await DelayAsync(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(settings.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
                continue;
            }

            delay = MinPollingInterval;
            inFlight.RemoveWhere(t => t.IsCompleted);
            while (inFlight.Count > settings.NewBatchThreshold && !stoppingToken.IsCancellationRequested)
            {
                await Task.WhenAny(inFlight).ConfigureAwait(false);
                inFlight.RemoveWhere(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var body = Decode(message.MessageText);
        if (body is null || message.DequeueCount > settings.MaxDequeueCount)
        {
            Log.PoisonedUnread(logger, message.MessageId, poison.Name, message.DequeueCount, body is null ? "the body is not base64" : "its dequeue count is past maxDequeueCount");
            await MoveToPoisonAsync(queue, poison, message).ConfigureAwait(false);
            return;
        }

        try
        {
            await FunctionInvoker.InvokeAsync(services, function.Method, FunctionInvoker.QueueBinder(body, stoppingToken)).ConfigureAwait(false);
            await IgnoreStaleReceipt(queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the message becomes visible again when its lease ends, as under the Functions host.
        }
#pragma warning disable CA1031 // A function's failure must never stop the pump; it is logged and the message retried or poisoned.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FunctionFailed(logger, ex, function.Name, message.MessageId, message.DequeueCount);
            try
            {
                if (message.DequeueCount >= settings.MaxDequeueCount)
                {
                    await MoveToPoisonAsync(queue, poison, message).ConfigureAwait(false);
                    Log.Poisoned(logger, message.MessageId, poison.Name, message.DequeueCount);
                }
                else
                {
                    await IgnoreStaleReceipt(queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
                }
            }
            catch (RequestFailedException storageError)
            {
                Log.ReleaseFailed(logger, storageError, message.MessageId);
            }
        }
    }

    /// <summary>
    /// Copies the message, as stored, to the poison queue (created if missing; the queue's default time-to-live of 7
    /// days, as the extension's copy has) and deletes it from its queue.
    /// </summary>
    private static async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message)
    {
        try
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            await poison.SendMessageAsync(message.MessageText, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            await IgnoreStaleReceipt(queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // The message stays in its queue and becomes visible again when its lease ends; it is poisoned next time.
        }
    }

    /// <summary>A lease that ran out (Azure: 404; Azurite: 400 PopReceiptMismatch) means another worker has the message.</summary>
    private static async Task IgnoreStaleReceipt(Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || ex.ErrorCode == "PopReceiptMismatch")
        {
        }
    }

    /// <summary>The message text as the function gets it; null when base64 is expected and the body is not base64.</summary>
    private string? Decode(string text)
    {
        if (!settings.Base64Messages)
        {
            return text;
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9000, Level = LogLevel.Warning, Message = "Function {Function} failed on message {MessageId} (dequeue count {DequeueCount})")]
        public static partial void FunctionFailed(ILogger logger, Exception exception, string function, string messageId, long dequeueCount);

        [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue} after {DequeueCount} attempts")]
        public static partial void Poisoned(ILogger logger, string messageId, string poisonQueue, long dequeueCount);

        [LoggerMessage(EventId = 9004, Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue} without running the function (dequeue count {DequeueCount}): {Reason}")]
        public static partial void PoisonedUnread(ILogger logger, string messageId, string poisonQueue, long dequeueCount, string reason);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Receiving from {Queue} failed")]
        public static partial void ReceiveFailed(ILogger logger, Exception exception, string queue);

        [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Releasing message {MessageId} failed; it becomes visible when its lease ends")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception, string messageId);
    }
}
