namespace PaymentIntake.Payments;

/// <summary>
/// The one mapping from a vendor outcome to a payment's move, for every door an answer from Stripe comes through:
/// the poster's own calls, a webhook and the action-required follow-up. Each reads the PaymentIntent or the error with
/// <see cref="Posting.Vendor.VendorAnswerClassifier"/>, then settles the payment with <see cref="Payment.Settle"/>, which
/// moves it to <see cref="StatusFor"/> with the answer's details — so a decline (a retryable one included) means the
/// same from every door.
/// </summary>
public static class OutcomeMoves
{
    /// <summary>The status an outcome settles the payment in; null for outcomes that do not (retry later, parked, a step).</summary>
    public static string? StatusFor(PostingOutcome outcome) => outcome switch
    {
        PostingOutcome.Posted => PaymentStatus.Posted,
        PostingOutcome.Declined => PaymentStatus.Declined,
        PostingOutcome.ActionRequired => PaymentStatus.ActionRequired,
        PostingOutcome.Failed => PaymentStatus.Failed,
        _ => null,
    };
}
