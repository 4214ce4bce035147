using Microsoft.Extensions.Logging;

namespace PaymentIntake.Intake;

/// <summary>Log messages of intake (ids and amounts only; never card data or member details).</summary>
internal static partial class IntakeLog
{
    [LoggerMessage(EventId = EventIds.PaymentAccepted, Level = LogLevel.Information, Message = "Accepted payment {PaymentId} for {Amount} {Currency}")]
    public static partial void Accepted(ILogger logger, string paymentId, long amount, string currency);

    [LoggerMessage(EventId = EventIds.IdempotencyKeyReused, Level = LogLevel.Warning, Message = "Idempotency key of payment {PaymentId} reused with a different body")]
    public static partial void KeyReused(ILogger logger, string paymentId);
}
