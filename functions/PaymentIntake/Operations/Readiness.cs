using Azure;
using Azure.Storage.Queues;
using PaymentIntake.Posting.Circuit;
using PaymentIntake.Storage;

namespace PaymentIntake.Operations;

/// <summary>The answer of <c>GET /api/ready</c>: whether this instance can accept payments, and the vendor as the circuit sees it.</summary>
/// <param name="Ready">True when storage answered (intake needs storage, not the vendor).</param>
/// <param name="Storage"><c>ok</c>, or why storage could not be reached.</param>
/// <param name="Vendor"><c>up</c>, <c>degraded</c>, <c>down</c> or <c>misconfigured</c>; <c>unknown</c> without storage. Informational: intake works while the vendor is down.</param>
public sealed record ReadinessReport(bool Ready, string Storage, string Vendor);

/// <summary>Checks what intake depends on: the payments queue and the tables (through the shared vendor circuit row).</summary>
public sealed class Readiness(QueueServiceClient queues, StorageNames names, VendorCircuitStore circuit)
{
    /// <summary>Reads the payments queue's properties and the circuit; never throws for a storage failure.</summary>
    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await QueueAnswersAsync(queues.GetQueueClient(names.PaymentsQueue), cancellationToken).ConfigureAwait(false);
            var state = await circuit.GetAsync(cancellationToken).ConfigureAwait(false);
            return new ReadinessReport(true, "ok", VendorState.Of(state));
        }
        catch (Exception ex) when (IsStorageUnreachable(ex))
        {
            return new ReadinessReport(false, $"unavailable: {ex.GetType().Name} {(ex as RequestFailedException)?.Status}".TrimEnd(), "unknown");
        }
    }

    /// <summary>
    /// Storage answers for the queue. A missing queue is an answer too: the Functions host's queue listener creates no
    /// queue, so on a fresh account the payments queue exists only once the first payment is sent (which creates it).
    /// </summary>
    private static async Task QueueAnswersAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "QueueNotFound")
        {
        }
    }

    // Unavailable, or answering with an error (a refused credential is "not ready" too); anything else is a bug.
    private static bool IsStorageUnreachable(Exception ex) =>
        StorageFaults.IsUnavailable(ex) || ex is RequestFailedException
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsStorageUnreachable));
}
