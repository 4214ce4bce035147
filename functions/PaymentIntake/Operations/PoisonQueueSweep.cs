using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using PaymentIntake.Storage;

namespace PaymentIntake.Operations;

/// <summary>
/// Moves what reached <c>payments-poison</c> into the poison store, where operators list and replay it. It reads the
/// queue raw rather than through a queue trigger: the Storage Queues extension moves a message that is not base64 to
/// <c>payments-poison</c> unread, and a base64 trigger on that queue could not decode it either — it would hide it
/// for 10 minutes at each try until it expired, never running a function for it. Raw, every message is seen: a
/// base64 one is recorded as before (with the failure its deliveries left), any other with its body as it came.
/// </summary>
public sealed class PoisonQueueSweep(StorageClients storage, StorageNames names, PoisonService poison)
{
    private const int BatchSize = 32;
    private const int MaxBatchesPerRun = 20;

    /// <summary>How long a message being recorded stays invisible: a sweep that dies leaves it for the next one.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly QueueClient _queue = storage.Queues(QueueMessageEncoding.None).GetQueueClient(names.PaymentsPoisonQueue);

    /// <summary>Records and removes the messages on <c>payments-poison</c> (at most 640 a run); returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var recorded = 0;
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await _queue.ReceiveMessagesAsync(BatchSize, Lease, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return recorded; // no message was ever poisoned: the queue is created with the first
            }

            foreach (var message in messages)
            {
                if (Decode(message.MessageText) is { } body)
                {
                    await poison.RecordAsync(body, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await poison.RecordUndecodableAsync(message.MessageText, message.InsertedOn, cancellationToken).ConfigureAwait(false);
                }

                // Recorded first, then removed: a crash in between records it twice, never loses it.
                await DeleteAsync(message, cancellationToken).ConfigureAwait(false);
                recorded++;
            }

            if (messages.Length < BatchSize)
            {
                break;
            }
        }

        return recorded;
    }

    private async Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || ex.ErrorCode == "PopReceiptMismatch")
        {
            // The lease ran out and another sweep has it (Azure answers 404, Azurite 400 PopReceiptMismatch).
        }
    }

    /// <summary>The body as a queue trigger would get it, or null when it is not base64 (what the host cannot decode).</summary>
    private static string? Decode(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }
}
