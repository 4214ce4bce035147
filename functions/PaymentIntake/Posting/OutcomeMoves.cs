using PaymentIntake.Payments;

namespace PaymentIntake.Posting;

/// <summary>
/// The one mapping from a vendor outcome to a payment's move, for every door an answer from Stripe comes through:
/// the poster's own calls, a webhook and the action-required follow-up. Each reads the PaymentIntent or the error with
/// <see cref="VendorAnswerClassifier"/>, then moves the payment to <see cref="StatusFor"/> after <see cref="Record"/>
/// copied the answer's details onto the row — so a retryable decline (<c>processing_error</c>, …) means "try again
/// later" from every door, never "declined" from one of them.
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

    /// <summary>Copies a settling answer's details onto the row (vendor reference, decline code, reason, next action).</summary>
    public static void Record(PaymentEntity row, PostingOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(row);
        switch (outcome)
        {
            case PostingOutcome.Posted posted:
                row.VendorReference = posted.VendorReference;
                row.LastError = null;
                row.NextActionUrl = null;
                break;
            case PostingOutcome.Declined declined:
                row.VendorReference = declined.VendorReference ?? row.VendorReference;
                row.DeclineCode = declined.Code;
                row.LastError = declined.Message;
                break;
            case PostingOutcome.ActionRequired action:
                row.VendorReference = action.VendorReference;
                row.NextActionUrl = action.NextActionUrl;
                row.LastError = null;
                break;
            case PostingOutcome.Failed failed:
                row.LastError = failed.Reason;
                break;
        }
    }
}
