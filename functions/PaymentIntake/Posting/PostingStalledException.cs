namespace PaymentIntake.Posting;

/// <summary>
/// A posting attempt was still running past the longest an attempt can take (<see cref="AttemptBound"/>: the posting
/// lease, or longer where the settings make attempts longer): it was canceled and left behind, its claim handed back,
/// and the message goes back to the host for a new delivery, which claims the payment in turn. The vendor calls stay
/// idempotent and the row's writes conditional, so the attempt left behind cannot charge twice or
/// overwrite what the next one records.
/// </summary>
public sealed class PostingStalledException : TimeoutException
{
    /// <summary>Creates the exception for <paramref name="paymentId"/> and the bound it outlasted.</summary>
    public PostingStalledException(string paymentId, TimeSpan bound)
        : base($"Posting payment {paymentId} ran longer than an attempt can ({bound}); the attempt was left behind.")
    {
        PaymentId = paymentId;
    }

    /// <summary>Creates the exception with a message.</summary>
    public PostingStalledException()
    {
        PaymentId = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public PostingStalledException(string message)
        : base(message)
    {
        PaymentId = string.Empty;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public PostingStalledException(string message, Exception innerException)
        : base(message, innerException)
    {
        PaymentId = string.Empty;
    }

    /// <summary>The payment whose attempt stalled.</summary>
    public string PaymentId { get; }
}
