using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Storage;

namespace PaymentIntake.Posting;

/// <summary>
/// Handles one message of queue <c>payments</c>: loads the row, claims it, posts it through <see cref="StripeVendor"/>
/// and records the outcome. Vendor outages reschedule the payment with a new delayed message (the current one completes),
/// so dequeue counts are spent only on bugs and bad data, which are rethrown for the host to retry and poison.
/// </summary>
public sealed class PaymentPoster(
    PaymentStore store,
    PaymentQueue queue,
    StripeVendor vendor,
    IOptions<PaymentIntakeOptions> options,
    TimeProvider time,
    ILogger<PaymentPoster> logger)
{
    /// <summary>Processes one queue message body.</summary>
    public async Task PostAsync(string message, CancellationToken cancellationToken)
    {
        var paymentId = PaymentMessage.Parse(message).PaymentId;
        var row = await store.GetAsync(paymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new PaymentNotFoundException(paymentId);

        if (PaymentStatus.IsFinal(row.Status))
        {
            PostingLog.AlreadyDone(logger, paymentId, row.Status);
            return;
        }

        row.Status = PaymentStatus.Posting;
        row.Attempts++;
        row.NextAttemptAt = null;
        row.UpdatedAt = time.GetUtcNow();
        if (!await store.TryReplaceAsync(row, cancellationToken).ConfigureAwait(false))
        {
            PostingLog.ClaimedElsewhere(logger, paymentId);
            return;
        }

        PostingOutcome outcome;
        try
        {
            outcome = await vendor.PostAsync(row, reference => RememberReferenceAsync(row, reference, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PostingLog.Unexpected(logger, ex, paymentId);
            await RecordUnexpectedAsync(row, ex).ConfigureAwait(false);
            throw;
        }

        await ApplyAsync(row, outcome, cancellationToken).ConfigureAwait(false);
    }

    private async Task RememberReferenceAsync(PaymentEntity row, string reference, CancellationToken cancellationToken)
    {
        row.VendorReference = reference;
        row.UpdatedAt = time.GetUtcNow();
        if (!await store.TryReplaceAsync(row, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Payment {row.PaymentId} changed while it was being posted.");
        }
    }

    private async Task ApplyAsync(PaymentEntity row, PostingOutcome outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        row.UpdatedAt = now;
        switch (outcome)
        {
            case PostingOutcome.Posted posted:
                row.Status = PaymentStatus.Posted;
                row.VendorReference = posted.VendorReference;
                row.PostedAt = now;
                row.LastError = null;
                break;
            case PostingOutcome.Declined declined:
                row.Status = PaymentStatus.Declined;
                row.VendorReference = declined.VendorReference ?? row.VendorReference;
                row.DeclineCode = declined.Code;
                row.LastError = declined.Message;
                break;
            case PostingOutcome.ActionRequired action:
                row.Status = PaymentStatus.ActionRequired;
                row.VendorReference = action.VendorReference;
                row.NextActionUrl = action.NextActionUrl;
                row.LastError = null;
                break;
            case PostingOutcome.Failed failed:
                row.Status = PaymentStatus.Failed;
                row.LastError = failed.Reason;
                break;
            case PostingOutcome.RetryLater later:
                var o = options.Value;
                var delay = RetrySchedule.DelayAfter(row.Attempts, o.RetryLaterBaseDelay, o.RetryLaterMaxDelay, Random.Shared.NextDouble());
                row.Status = PaymentStatus.Accepted;
                row.LastError = later.Reason;
                row.NextAttemptAt = now + delay;
                // Enqueue before saving: a crash in between leaves an extra message (harmless), never a lost payment.
                await queue.SendAsync(row.PaymentId, delay, cancellationToken).ConfigureAwait(false);
                PostingLog.RetryLater(logger, row.PaymentId, row.NextAttemptAt.Value, later.Reason);
                break;
            default:
                throw new InvalidOperationException($"Unexpected outcome {outcome.GetType().Name} for payment {row.PaymentId}.");
        }

        if (!await store.TryReplaceAsync(row, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Payment {row.PaymentId} changed while it was being posted.");
        }

        PostingLog.Outcome(logger, row.PaymentId, row.Status, row.Attempts);
    }

    private async Task RecordUnexpectedAsync(PaymentEntity row, Exception ex)
    {
        // The host retries and finally poisons the message; the row tells operators why. Best effort: the original
        // exception matters more than a failure to record it.
        row.Status = PaymentStatus.Accepted;
        row.LastError = $"unexpected {ex.GetType().Name}: {ex.Message}";
        row.UpdatedAt = time.GetUtcNow();
        try
        {
            await store.TryReplaceAsync(row, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException)
        {
        }
    }
}
