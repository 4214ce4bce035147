using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Queue;

namespace PaymentIntake.Posting;

/// <summary>What posting does with a payment after an attempt; decided by <see cref="RecoverabilityPolicy"/>.</summary>
public abstract record RecoveryAction
{
    private RecoveryAction() { }

    /// <summary>A final answer: record it (<c>posted</c>, <c>declined</c>, <c>action_required</c> or <c>failed</c>).</summary>
    public sealed record Record(string Status, PostingOutcome Outcome) : RecoveryAction;

    /// <summary>The vendor is not available: try again with a new message visible after <paramref name="Delay"/>.</summary>
    public sealed record RetryLater(TimeSpan Delay, DateTimeOffset NextAttemptAt, string Reason) : RecoveryAction;

    /// <summary>
    /// Waited long enough, or the vendor keeps failing this one payment: the payment is <c>failed</c> and goes to
    /// <c>payments-poison</c> for operations, recorded as <paramref name="PoisonReason"/>.
    /// </summary>
    public sealed record GiveUp(string Reason, string PoisonReason = PoisonReasons.VendorUnavailable) : RecoveryAction;
}

/// <summary>
/// The recoverability policy (after NServiceBus's): a pure decision of what to do with a payment after an attempt —
/// record a final answer, retry later (exponential backoff with jitter; about the backoff cap while the circuit is
/// open, so a parked payment costs one message per cap), or give up once <see cref="PostingOptions.MaxPostingAge"/>
/// has passed since acceptance or the last replay. Unit-tested row by row; the instance only supplies the clock,
/// the options and the randomness.
/// </summary>
public sealed class RecoverabilityPolicy(IOptions<PostingOptions> options, IOptions<StripeOptions> stripe, TimeProvider time)
{
    /// <summary>How long a payment in <c>posting</c> belongs to the worker posting it (<see cref="PostingOptions.PostingLease"/>).</summary>
    public TimeSpan PostingLease => options.Value.PostingLease;

    /// <summary>How long an attempt may run before it is taken for hung (<see cref="AttemptBound"/>).</summary>
    public TimeSpan StallAfter => AttemptBound.StallAfter(options.Value, stripe.Value);

    /// <summary>Decides with the current time, the configured options and fresh jitter.</summary>
    public RecoveryAction Decide(PostingOutcome outcome, Payment payment) =>
        Decide(outcome, payment, time.GetUtcNow(), options.Value, Random.Shared.NextDouble());

    /// <summary>
    /// Decides for <paramref name="payment"/> (its attempts so far, acceptance and replay times) after
    /// <paramref name="outcome"/>, at <paramref name="now"/>; <paramref name="random01"/> ∈ [0, 1) drives the jitter.
    /// </summary>
    public static RecoveryAction Decide(PostingOutcome outcome, Payment payment, DateTimeOffset now, PostingOptions options, double random01)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(options);
        return outcome switch
        {
            _ when OutcomeMoves.StatusFor(outcome) is { } settled => new RecoveryAction.Record(settled, outcome),
            PostingOutcome.RetryLater or PostingOutcome.Parked when now - ClockStart(payment) >= options.MaxPostingAge =>
                new RecoveryAction.GiveUp(
                    $"{PoisonReasons.VendorUnavailable}: gave up after {options.MaxPostingAge} since {(payment.ReplayedAt is null ? "acceptance" : "the last replay")}; last: {ReasonOf(outcome)}"),
            PostingOutcome.RetryLater when payment.OwnFailures >= options.OwnFailureLimit =>
                new RecoveryAction.GiveUp(
                    $"{PoisonReasons.VendorFailsPayment}: the vendor failed this payment {payment.OwnFailures} times while it answered others and nothing else failed; last: {ReasonOf(outcome)}",
                    PoisonReasons.VendorFailsPayment),
            PostingOutcome.Parked parked => Later(now, options.RetryLaterMaxDelay * (0.75 + (Math.Clamp(random01, 0, 1) / 4)), parked.Reason),
            PostingOutcome.RetryLater later => Later(now, RetrySchedule.DelayAfter(BackoffStep(payment), options.RetryLaterBaseDelay, options.RetryLaterMaxDelay, random01), later.Reason),
            _ => throw new InvalidOperationException($"Posting ended on {outcome.GetType().Name} for payment {payment.PaymentId}: a step, never a result."),
        };
    }

    /// <summary>Decides, after a give-up asked the vendor to cancel (<see cref="VendorGateway.AbandonAsync"/>), with the current time.</summary>
    public RecoveryAction AfterAbandon(PostingOutcome abandoned, Payment payment, RecoveryAction.GiveUp giveUp) =>
        AfterAbandon(abandoned, payment, giveUp, time.GetUtcNow(), options.Value, Random.Shared.NextDouble());

    /// <summary>
    /// A payment is given up only once nothing can charge it later: canceled (or never at the vendor) → give up;
    /// the vendor unavailable for the cancel → try the cancel again later (backoff as usual, whatever the age);
    /// the vendor answered something final instead (it succeeded meanwhile) → record that.
    /// </summary>
    public static RecoveryAction AfterAbandon(PostingOutcome abandoned, Payment payment, RecoveryAction.GiveUp giveUp, DateTimeOffset now, PostingOptions options, double random01)
    {
        ArgumentNullException.ThrowIfNull(abandoned);
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(giveUp);
        ArgumentNullException.ThrowIfNull(options);
        return abandoned switch
        {
            PostingOutcome.Failed => giveUp,
            PostingOutcome.Posted or PostingOutcome.Declined or PostingOutcome.ActionRequired => Decide(abandoned, payment, now, options, random01),
            _ => Later(now, RetrySchedule.DelayAfter(payment.Attempts, options.RetryLaterBaseDelay, options.RetryLaterMaxDelay, random01),
                $"giving up once its PaymentIntent is canceled; the cancel must wait: {ReasonOf(abandoned)}"),
        };
    }

    /// <summary>
    /// The backoff's step: the payment's own failures while the vendor answers others (issue 24: attempts also count
    /// every park behind an open circuit, so after an outage the first failure of its own would otherwise wait out
    /// minutes, as if the vendor were still down), else its attempts.
    /// </summary>
    private static int BackoffStep(Payment payment) => payment.OwnFailures > 0 ? payment.OwnFailures : payment.Attempts;

    /// <summary>The give-up clock starts at acceptance and again at each replay.</summary>
    private static DateTimeOffset ClockStart(Payment payment) => payment.ReplayedAt ?? payment.AcceptedAt;

    private static RecoveryAction.RetryLater Later(DateTimeOffset now, TimeSpan delay, string reason) => new(delay, now + delay, reason);

    private static string ReasonOf(PostingOutcome outcome) => outcome switch
    {
        PostingOutcome.RetryLater later => later.Reason,
        PostingOutcome.Parked parked => parked.Reason,
        _ => outcome.GetType().Name,
    };
}
