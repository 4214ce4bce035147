namespace PaymentIntake.Payments;

/// <summary>
/// Where a posting attempt ended, as the vendor (or the circuit in front of it) answered; chosen by
/// <see cref="Posting.Vendor.VendorAnswerClassifier"/>. What to do next is <see cref="Posting.RecoverabilityPolicy"/>'s decision; how an answer moves the payment, <see cref="OutcomeMoves"/>.
/// </summary>
public abstract record PostingOutcome
{
    private PostingOutcome() { }

    /// <summary>The vendor charged it.</summary>
    public sealed record Posted(string VendorReference) : PostingOutcome;

    /// <summary>The vendor declined it: a business answer, recorded and never retried.</summary>
    public sealed record Declined(string? VendorReference, string Code, string Message) : PostingOutcome
    {
        /// <summary>
        /// The issuer asks to try again (<c>processing_error</c>, <c>try_again_later</c>, …): the member may pay again,
        /// with a newly collected card — the one used here was consumed by the failed confirm.
        /// </summary>
        public bool Retryable { get; init; }
    }

    /// <summary>The member must authenticate at <paramref name="NextActionUrl"/>.</summary>
    public sealed record ActionRequired(string VendorReference, string? NextActionUrl) : PostingOutcome;

    /// <summary>It can never succeed as it is (invalid request, canceled at the vendor): recorded, not retried.</summary>
    public sealed record Failed(string Reason) : PostingOutcome;

    /// <summary>
    /// Try again later, without burning the message's dequeue count: the vendor is unavailable, or (with
    /// <see cref="VendorUnavailable"/> false) the vendor answered but asks for this payment to be tried again — a
    /// retryable decline, which says nothing about the vendor and so does not count toward the shared circuit.
    /// </summary>
    public sealed record RetryLater(string Reason) : PostingOutcome
    {
        /// <summary>True when the vendor itself failed (counts toward the circuit); false for a per-payment retry.</summary>
        public bool VendorUnavailable { get; init; } = true;

        /// <summary>
        /// The vendor answered 429 (rate limited): it is there and answering, so this never counts toward the circuit;
        /// the pacer slows down and the request is tried again after a backoff.
        /// </summary>
        public bool Throttled { get; init; }

        /// <summary>
        /// The vendor refused our key, with this status (401/403): a configuration operators must fix, not an outage and
        /// nothing the payment did, so it never counts toward the circuit and the vendor shows <c>misconfigured</c>.
        /// </summary>
        public int? KeyRefusedWith { get; init; }
    }

    /// <summary>The shared circuit is open: the vendor was not called; wait until at least <paramref name="Until"/>.</summary>
    public sealed record Parked(string Reason, DateTimeOffset Until) : PostingOutcome;

    /// <summary>The intent exists but is not confirmed yet: confirm it (a step, never a final outcome).</summary>
    public sealed record ConfirmNeeded(string VendorReference) : PostingOutcome;
}
