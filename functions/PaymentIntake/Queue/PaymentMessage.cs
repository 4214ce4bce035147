using System.Text.Json;
using PaymentIds = PaymentIntake.Payments.PaymentId;

namespace PaymentIntake.Queue;

/// <summary>The body of a message on queue <c>payments</c>: only the id; the row is the truth.</summary>
/// <param name="PaymentId">The payment to post.</param>
public sealed record PaymentMessage(string PaymentId)
{
    /// <summary>Why our own code poisoned it (e.g. <c>vendor_unavailable</c>); absent on ordinary messages.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Parses a message body; throws <see cref="InvalidPaymentMessageException"/> for anything else.</summary>
    public static PaymentMessage Parse(string body) =>
        TryParse(body) ?? throw new InvalidPaymentMessageException("The message is not JSON of the form {\"paymentId\":\"pay_…\"} with a well-formed id.");

    /// <summary>Parses a message body; null for anything that is not a payment message.</summary>
    public static PaymentMessage? TryParse(string body)
    {
        try
        {
            var message = JsonSerializer.Deserialize<PaymentMessage>(body, JsonOptions);
            return message is not null && PaymentIds.IsWellFormed(message.PaymentId) ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A queue message that can never be processed; the host retries it and then moves it to poison.</summary>
public sealed class InvalidPaymentMessageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidPaymentMessageException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public InvalidPaymentMessageException() { }

    /// <summary>Creates the exception.</summary>
    public InvalidPaymentMessageException(string message) : base(message) { }
}

/// <summary>A message names a payment that has no row; the host retries it and then moves it to poison.</summary>
public sealed class PaymentNotFoundException(string paymentId) : Exception($"Payment {paymentId} has no row in the payments table.")
{
    /// <summary>The payment id of the message.</summary>
    public string PaymentId { get; } = paymentId;
}
