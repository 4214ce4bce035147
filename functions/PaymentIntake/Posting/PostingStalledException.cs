namespace PaymentIntake.Posting;

/// <summary>
/// A posting attempt was still running when its claim's posting lease ended (<c>Posting:PostingLease</c>): it was
/// canceled and left behind, and the message goes back to the host for a new delivery, which takes the claim over. The
/// vendor calls stay idempotent and the row's writes conditional, so the attempt left behind cannot charge twice or
/// overwrite what the next one records.
/// </summary>
public sealed class PostingStalledException : TimeoutException
{
    /// <summary>Creates the exception for <paramref name="paymentId"/> and the lease it outlasted.</summary>
    public PostingStalledException(string paymentId, TimeSpan lease)
        : base($"Posting payment {paymentId} outlasted the posting lease ({lease}); the attempt was left behind.")
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
