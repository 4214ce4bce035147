using Microsoft.Extensions.Logging;
using PaymentIntake.Payments;
using PaymentIntake.Posting.Takeover;
using PaymentIntake.Queue;

namespace PaymentIntake.Posting;

/// <summary>
/// Handles one message of queue <c>payments</c>: names the payment in this instance's heartbeat, loads the row (the truth), asks the vendor gateway whether the
/// vendor may be called, claims the row (<c>posting</c>), posts it, and does what <see cref="RecoverabilityPolicy"/>
/// decides with the outcome. Vendor outages reschedule the payment with a new delayed message (the current one
/// completes), so dequeue counts are spent only on bugs and bad data, which are rethrown for the host to retry and
/// finally poison.
/// </summary>
public sealed class PaymentPoster(
    PaymentRepository payments,
    VendorGateway vendor,
    PaymentQueue queue,
    RecoverabilityPolicy policy,
    ActionRequiredFollowUp actionChecks,
    InstanceHeartbeat heartbeat,
    TimeProvider time,
    ILogger<PaymentPoster> logger)
{
    /// <summary>
    /// Processes one queue message body. A failure is recorded against the body before it goes to the host, so the
    /// reason survives the host's move to poison.
    /// </summary>
    public async Task PostAsync(string message, CancellationToken cancellationToken)
    {
        try
        {
            await PostCoreAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await queue.RecordFailureAsync(message, ex, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task PostCoreAsync(string message, CancellationToken cancellationToken)
    {
        var paymentId = PaymentMessage.Parse(message).PaymentId;
        // Named in the heartbeat, stored, before anything else: if this instance dies while it handles the message
        // (parks it, claims it, posts it), the payment is sent again within seconds, not when the message's lease ends.
        await using var working = await heartbeat.WorkOnAsync(paymentId, cancellationToken).ConfigureAwait(false);
        var row = await payments.GetAsync(paymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new PaymentNotFoundException(paymentId);

        if (row.Status == PaymentStatus.ActionRequired)
        {
            // The reconciler's periodic check: does Stripe know more than the webhooks told us? Not while it is down.
            if (await vendor.AdmitAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await actionChecks.CheckAsync(row, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (PaymentStatus.IsSettled(row.Status))
        {
            PostingLog.AlreadyDone(logger, paymentId, row.Status);
            return;
        }

        if (await ClaimStandsAsync(row, cancellationToken).ConfigureAwait(false))
        {
            // A duplicate message (the waker, the reconciler, a retry) while another worker posts it: stand back.
            PostingLog.ClaimedElsewhere(logger, paymentId);
            return;
        }

        row.BeginAttempt();
        if (await vendor.AdmitAsync(cancellationToken).ConfigureAwait(false) is { } parked)
        {
            // Not a call to the vendor: one row write and one delayed message, no earlier than the circuit allows.
            await ActAsync(row, parked, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await payments.TryClaimAsync(row, heartbeat.Instance, cancellationToken).ConfigureAwait(false))
        {
            PostingLog.ClaimedElsewhere(logger, paymentId);
            return;
        }

        var stallAfter = policy.StallAfter;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var posting = PostClaimedAsync(row, attempt.Token);
        try
        {
            // An attempt still running past its bound (the posting lease, or longer where the settings make attempts
            // longer) is hung: it is left behind (canceled, no longer named in the heartbeat, its claim handed back) and
            // the message goes back to the host, which delivers it again at once — instead of a hung attempt holding the
            // payment and its message until the reconciler's next pass.
            await posting.WaitAsync(stallAfter, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!posting.IsCompleted)
        {
            await attempt.CancelAsync().ConfigureAwait(false);
            _ = posting.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            PostingLog.Stalled(logger, paymentId, stallAfter);
            var stalled = new PostingStalledException(paymentId, stallAfter);
            // The claim is given back on a fresh read (the attempt left behind keeps its own copy of the row, whose
            // writes now fail on its stale version): the next delivery claims it, it does not stand back.
            if (await payments.GetAsync(paymentId, CancellationToken.None).ConfigureAwait(false) is { } fresh)
            {
                await RecordUnexpectedAsync(fresh, stalled).ConfigureAwait(false);
            }

            throw stalled;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever failed after the claim, the claim is given back: a row left in posting would keep every other
            // delivery standing back for the whole posting lease.
            PostingLog.Unexpected(logger, ex, paymentId);
            await RecordUnexpectedAsync(row, ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The claimed part of an attempt: the vendor's steps, then the outcome recorded.</summary>
    private async Task PostClaimedAsync(Payment row, CancellationToken cancellationToken)
    {
        var outcome = await vendor.PostAsync(row, () => SaveAsync(row, cancellationToken), cancellationToken).ConfigureAwait(false);
        await ActAsync(row, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True while another worker's claim on the row stands: <c>posting</c> within the lease, and its instance alive and
    /// still posting it (a row claimed before instances were named keeps the lease alone). A claim whose instance died,
    /// or that its instance let go of without a final write, is taken over at once.
    /// </summary>
    private async Task<bool> ClaimStandsAsync(Payment row, CancellationToken cancellationToken) =>
        payments.IsBeingPosted(row, policy.PostingLease)
        && (row.ClaimedBy is not { } claimer || await heartbeat.IsWorkingOnAsync(claimer, row.PaymentId, cancellationToken).ConfigureAwait(false));

    /// <summary>Stores what the vendor step learned (the intent's id, the create key's generation) before it goes on.</summary>
    private async Task SaveAsync(Payment row, CancellationToken cancellationToken)
    {
        if (!await payments.TrySaveAsync(row, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Payment {row.PaymentId} changed while it was being posted.");
        }
    }

    private async Task ActAsync(Payment row, PostingOutcome outcome, CancellationToken cancellationToken)
    {
        var action = policy.Decide(outcome, row);
        if (action is RecoveryAction.GiveUp giving)
        {
            // Nothing may charge the payment after we gave up: cancel its intent at the vendor first.
            action = policy.AfterAbandon(await vendor.AbandonAsync(row, cancellationToken).ConfigureAwait(false), row, giving);
        }

        switch (action)
        {
            case RecoveryAction.Record record:
                row.Settle(record.Outcome, MoveCauses.VendorAnswer, heartbeat.Instance);
                break;
            case RecoveryAction.GiveUp giveUp:
                row.GiveUp(giveUp.Reason, MoveCauses.GaveUp, heartbeat.Instance);
                await queue.SendToPoisonAsync(row.PaymentId, giveUp.PoisonReason, cancellationToken).ConfigureAwait(false);
                PostingLog.GaveUp(logger, row.PaymentId, row.Attempts);
                break;
            case RecoveryAction.RetryLater later:
                row.Park(later.NextAttemptAt, later.Reason, CauseOfParking(outcome), heartbeat.Instance);
                // Enqueue before saving: a crash in between leaves an extra message (harmless), never a lost payment.
                await queue.SendAsync(row.PaymentId, later.Delay, cancellationToken).ConfigureAwait(false);
                PostingLog.RetryLater(logger, row.PaymentId, later.NextAttemptAt, later.Reason);
                break;
            case var other:
                throw new InvalidOperationException($"Unexpected recovery action {other.GetType().Name} for payment {row.PaymentId}.");
        }

        if (!await payments.TrySaveAsync(row, cancellationToken).ConfigureAwait(false))
        {
            // Another writer (a duplicate message, a webhook) got there first; its state stands.
            PostingLog.ClaimedElsewhere(logger, row.PaymentId);
            return;
        }

        PostingLog.Outcome(logger, row.PaymentId, row.Status, row.Attempts);
    }

    /// <summary>Why an outcome parks the payment, for its history.</summary>
    private static string CauseOfParking(PostingOutcome outcome) => outcome switch
    {
        PostingOutcome.Parked => MoveCauses.CircuitOpen,
        PostingOutcome.RetryLater { Throttled: true } => MoveCauses.Throttled,
        PostingOutcome.RetryLater { KeyRefusedWith: not null } => MoveCauses.KeyRefused,
        _ => MoveCauses.RetryLater,
    };

    private async Task RecordUnexpectedAsync(Payment row, Exception ex)
    {
        // The host retries and finally poisons the message; the row tells operators why. Best effort: the original
        // exception matters more than a failure to record it.
        if (row.Status != PaymentStatus.Posting || row.ClaimedBy != heartbeat.Instance)
        {
            return; // it moved on already (the failure came after its last write), or another worker took it over
        }

        row.ReleaseClaim($"unexpected {ex.GetType().Name}: {ex.Message}", heartbeat.Instance);
        try
        {
            await payments.TrySaveAsync(row, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException)
        {
        }
    }
}
