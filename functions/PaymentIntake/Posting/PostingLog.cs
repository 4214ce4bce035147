using Microsoft.Extensions.Logging;

namespace PaymentIntake.Posting;

/// <summary>Log messages of posting.</summary>
internal static partial class PostingLog
{
    [LoggerMessage(EventId = EventIds.AttemptOutcome, Level = LogLevel.Information, Message = "Payment {PaymentId} is {Status} after attempt {Attempt}")]
    public static partial void Outcome(ILogger logger, string paymentId, string status, int attempt);

    [LoggerMessage(EventId = EventIds.RetryLater, Level = LogLevel.Warning, Message = "Payment {PaymentId} waits for the vendor until {NextAttemptAt}: {Reason}")]
    public static partial void RetryLater(ILogger logger, string paymentId, DateTimeOffset nextAttemptAt, string reason);

    [LoggerMessage(EventId = EventIds.AlreadyDone, Level = LogLevel.Information, Message = "Payment {PaymentId} is already {Status}; message completed")]
    public static partial void AlreadyDone(ILogger logger, string paymentId, string status);

    [LoggerMessage(EventId = EventIds.ClaimedElsewhere, Level = LogLevel.Information, Message = "Payment {PaymentId} was claimed by another worker; message completed")]
    public static partial void ClaimedElsewhere(ILogger logger, string paymentId);

    [LoggerMessage(EventId = EventIds.PostingUnexpected, Level = LogLevel.Error, Message = "Posting payment {PaymentId} failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, Exception exception, string paymentId);

    [LoggerMessage(EventId = EventIds.PostingStalled, Level = LogLevel.Error, Message = "Posting payment {PaymentId} ran longer than an attempt can ({Bound}): the attempt was left behind, its claim handed back and its message returned")]
    public static partial void Stalled(ILogger logger, string paymentId, TimeSpan bound);

    [LoggerMessage(EventId = EventIds.GaveUp, Level = LogLevel.Error, Message = "Payment {PaymentId} gave up waiting for the vendor after {Attempts} attempts; moved to poison")]
    public static partial void GaveUp(ILogger logger, string paymentId, int attempts);

    [LoggerMessage(EventId = EventIds.ActionStillRequired, Level = LogLevel.Information, Message = "Payment {PaymentId} still waits for the member to authenticate ({Outcome}); checked again later")]
    public static partial void ActionStillRequired(ILogger logger, string paymentId, string outcome);

    [LoggerMessage(EventId = EventIds.ActionSettledByCheck, Level = LogLevel.Warning, Message = "Payment {PaymentId} was {Status} at the vendor while it waited for authentication; no webhook had said so")]
    public static partial void ActionSettledByCheck(ILogger logger, string paymentId, string status);
}
