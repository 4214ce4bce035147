using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Storage;

namespace PaymentIntake.Posting;

/// <summary>
/// Handles one message of queue <c>payments</c>: loads the row (the truth), asks the shared circuit whether the vendor
/// may be called, claims the row, posts it through <see cref="StripeVendor"/> and records the outcome.
/// Vendor outages reschedule the payment with a new delayed message (the current one completes), so dequeue counts are
/// spent only on bugs and bad data, which are rethrown for the host to retry and finally poison.
/// </summary>
public sealed class PaymentPoster(
    PaymentStore store,
    PaymentQueue queue,
    StripeVendor vendor,
    InvoicePayer invoices,
    VendorCircuitStore circuit,
    Reconciliation.ParkedPaymentWaker waker,
    Operations.MessageFailures failures,
    IOptions<PostingOptions> options,
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
            await failures.RecordAsync(message, ex, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task PostCoreAsync(string message, CancellationToken cancellationToken)
    {
        var paymentId = PaymentMessage.Parse(message).PaymentId;
        var row = await store.GetAsync(paymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new PaymentNotFoundException(paymentId);

        if (PaymentStatus.IsFinal(row.Status))
        {
            PostingLog.AlreadyDone(logger, paymentId, row.Status);
            return;
        }

        row.Attempts++;
        row.NextAttemptAt = null;
        row.UpdatedAt = time.GetUtcNow();
        var admission = await circuit.AdmitAsync(cancellationToken).ConfigureAwait(false);
        if (admission is Admission.Rejected rejected)
        {
            // Not a call to the vendor: one row write and one delayed message, no earlier than the circuit allows.
            await ApplyAsync(row, new PostingOutcome.RetryLater($"The vendor circuit is {rejected.State.State} until {rejected.RetryAt:O}."), rejected.RetryAt, cancellationToken).ConfigureAwait(false);
            return;
        }

        row.Status = PaymentStatus.Posting;
        if (!await store.TryReplaceAsync(row, cancellationToken).ConfigureAwait(false))
        {
            PostingLog.ClaimedElsewhere(logger, paymentId);
            return;
        }

        PostingOutcome outcome;
        try
        {
            Func<string, Task> remember = reference => RememberReferenceAsync(row, reference, cancellationToken);
            outcome = row.Kind == PaymentKinds.Check
                ? await invoices.PostAsync(row, remember, cancellationToken).ConfigureAwait(false)
                : await vendor.PostAsync(row, remember, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PostingLog.Unexpected(logger, ex, paymentId);
            await RecordUnexpectedAsync(row, ex).ConfigureAwait(false);
            throw;
        }

        if (outcome is PostingOutcome.RetryLater)
        {
            await circuit.RecordFailureAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (await circuit.RecordSuccessAsync(cancellationToken).ConfigureAwait(false))
            {
                await waker.WakeAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await ApplyAsync(row, outcome, notBefore: null, cancellationToken).ConfigureAwait(false);
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

    private async Task ApplyAsync(PaymentEntity row, PostingOutcome outcome, DateTimeOffset? notBefore, CancellationToken cancellationToken)
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
            case PostingOutcome.RetryLater later when now - (row.ReplayedAt ?? row.AcceptedAt) >= options.Value.MaxPostingAge:
                row.Status = PaymentStatus.Failed;
                row.LastError = $"{PoisonReasons.VendorUnavailable}: gave up after {options.Value.MaxPostingAge} since {(row.ReplayedAt is null ? "acceptance" : "the last replay")}; last: {later.Reason}";
                await queue.SendToPoisonAsync(row.PaymentId, PoisonReasons.VendorUnavailable, cancellationToken).ConfigureAwait(false);
                PostingLog.GaveUp(logger, row.PaymentId, row.Attempts);
                break;
            case PostingOutcome.RetryLater later:
                var o = options.Value;
                // While the circuit is open the payment is parked for about the backoff cap (one message per cap): the
                // probe that finds the vendor back wakes every waiting payment at once (ParkedPaymentWaker).
                var delay = notBefore is not null
                    ? o.RetryLaterMaxDelay * (0.75 + (Random.Shared.NextDouble() / 4))
                    : RetrySchedule.DelayAfter(row.Attempts, o.RetryLaterBaseDelay, o.RetryLaterMaxDelay, Random.Shared.NextDouble());

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
            // Another writer (a duplicate message, a webhook) got there first; its state stands.
            PostingLog.ClaimedElsewhere(logger, row.PaymentId);
            return;
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

/// <summary>Reasons our own code gives when it moves a payment to the poison queue.</summary>
public static class PoisonReasons
{
    /// <summary>The vendor stayed unavailable longer than <see cref="PostingOptions.MaxPostingAge"/>.</summary>
    public const string VendorUnavailable = "vendor_unavailable";
}
