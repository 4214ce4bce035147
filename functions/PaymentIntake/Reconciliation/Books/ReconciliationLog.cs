using Microsoft.Extensions.Logging;

namespace PaymentIntake.Reconciliation.Books;

/// <summary>The reconciliation's events; the mismatch alert (infra/modules/monitoring.bicep) reads both.</summary>
internal static partial class ReconciliationLog
{
    [LoggerMessage(EventId = EventIds.ReconciliationFinished, EventName = "ReconciliationFinished", Level = LogLevel.Information, Message = "Reconciliation {ReconciliationId} of {From} to {To}: {Matched} matched, {Mismatches} mismatches ({ChargedNotPosted} charged at Stripe but not posted here), {Pending} pending")]
    public static partial void Finished(ILogger logger, string reconciliationId, DateTimeOffset from, DateTimeOffset to, int matched, int mismatches, int chargedNotPosted, int pending);

    [LoggerMessage(EventId = EventIds.ReconciliationFailed, EventName = "ReconciliationFailed", Level = LogLevel.Error, Message = "Reconciliation {ReconciliationId} failed (attempt {Attempt}): {Reason}")]
    public static partial void Failed(ILogger logger, string reconciliationId, int attempt, string reason);
}
