using Microsoft.Extensions.Logging;

namespace PaymentIntake.Operations;

/// <summary>
/// Once a minute, the numbers the alerts watch as one log event, <c>OperationsSnapshot</c> (event 5200): the vendor
/// state, the age of the oldest payment not yet posted, poisoned messages and failed batches. An alert on a stock
/// (rather than on the event that changed it) keeps firing while the problem lasts and resolves when it ends, and it
/// fires with no traffic at all. The alert queries in <c>infra/modules/monitoring.bicep</c> read these fields by name.
/// </summary>
public sealed partial class OperationsSnapshot(OpsStatusService status, ILogger<OperationsSnapshot> logger)
{
    /// <summary>Reads the operations status and logs the snapshot; returns the status read.</summary>
    public async Task<OpsStatus> ReportAsync(CancellationToken cancellationToken)
    {
        var now = await status.GetAsync(cancellationToken).ConfigureAwait(false);
        Snapshot(
            logger,
            now.Vendor.State,
            now.InFlight.OldestNotPostedAgeSeconds ?? 0,
            now.InFlight.Total,
            now.PoisonedMessages,
            now.Queues.BatchesPoison);
        return now;
    }

    [LoggerMessage(EventId = EventIds.OperationsSnapshot, EventName = nameof(EventIds.OperationsSnapshot), Level = LogLevel.Information,
        Message = "Operations: vendor {VendorState}, oldest unposted {OldestUnpostedSeconds} s, {InFlight} in flight, {PoisonedMessages} poisoned, {FailedBatches} failed batches")]
    internal static partial void Snapshot(ILogger logger, string vendorState, double oldestUnpostedSeconds, int inFlight, int poisonedMessages, int failedBatches);
}
