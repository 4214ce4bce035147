using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;

namespace PaymentIntake.Posting;

/// <summary>
/// Settles a payment in <c>action_required</c> whose webhook may never come (a rotated secret, an endpoint down past
/// Stripe's retries): the reconciler sends its message every <see cref="PostingOptions.ActionCheckInterval"/>, and
/// this reads the PaymentIntent and records what Stripe says — posted, declined (authentication failed), failed
/// (canceled). Past <see cref="PostingOptions.ActionRequiredTimeout"/> after the payment entered
/// <c>action_required</c> (its <c>updatedAt</c>), the intent is canceled first, so the member cannot be charged after
/// we told them to pay anew, and the payment is <c>failed</c> with the reason.
/// </summary>
public sealed class ActionRequiredFollowUp(
    VendorGateway vendor,
    PaymentRepository payments,
    IOptions<PostingOptions> options,
    TimeProvider time,
    ILogger<ActionRequiredFollowUp> logger)
{
    /// <summary>Checks <paramref name="row"/> (in <c>action_required</c>) at the vendor and records a final answer.</summary>
    public async Task CheckAsync(Payment row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var outcome = await vendor.ReadAsync(row, cancellationToken).ConfigureAwait(false);
        var waited = time.GetUtcNow() - row.UpdatedAt;
        if (outcome is PostingOutcome.ActionRequired or PostingOutcome.ConfirmNeeded && waited >= options.Value.ActionRequiredTimeout)
        {
            outcome = await vendor.AbandonAsync(row, cancellationToken).ConfigureAwait(false) is PostingOutcome.Failed canceled
                ? new PostingOutcome.Failed($"the member did not authenticate within {options.Value.ActionRequiredTimeout}; {canceled.Reason}, so the member must pay anew")
                : outcome;
        }

        // Still waiting for the member, or the vendor cannot be asked now: the next check asks again.
        if (OutcomeMoves.StatusFor(outcome) is not { } status || status == PaymentStatus.ActionRequired)
        {
            PostingLog.ActionStillRequired(logger, row.PaymentId, outcome.GetType().Name);
            return;
        }

        row.Settle(outcome, MoveCauses.ActionChecked, "reconciler");
        if (await payments.TrySaveAsync(row, cancellationToken).ConfigureAwait(false))
        {
            PostingLog.ActionSettledByCheck(logger, row.PaymentId, status);
        }
    }
}
