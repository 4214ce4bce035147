using PaymentIntake.Payments;

namespace PaymentIntake.Posting.Circuit;

/// <summary>
/// The shared circuit as posting and the probe use it: ask before calling the vendor, report how the vendor
/// answered. When an answer closes a circuit that was open, every waiting payment is woken at once.
/// </summary>
public sealed class VendorCircuit(VendorCircuitStore store, ParkedPaymentWaker waker, TimeProvider time)
{
    private long _lastAnsweredTicks; // this instance's last answer from the vendor, exact (the stored one is to 10 s)

    /// <summary>Null when the vendor may be called now; otherwise the payment is parked until the circuit allows a call.</summary>
    public async Task<PostingOutcome.Parked?> AdmitAsync(CancellationToken cancellationToken) =>
        await store.AdmitAsync(cancellationToken).ConfigureAwait(false) is Admission.Rejected rejected
            ? new PostingOutcome.Parked($"The vendor circuit is {rejected.State.State} until {rejected.RetryAt:O}.", rejected.RetryAt)
            : null;

    /// <summary>The vendor answered (whatever the business answer): close the circuit, and wake the parked payments if it was open.</summary>
    public async Task RecordAnsweredAsync(CancellationToken cancellationToken, string answeredFor = CircuitState.ByPayments)
    {
        Interlocked.Exchange(ref _lastAnsweredTicks, time.GetUtcNow().UtcTicks);
        if (await store.RecordSuccessAsync(cancellationToken, answeredFor).ConfigureAwait(false))
        {
            await waker.WakeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The vendor was unavailable to payment <paramref name="paymentId"/>, which last failed at
    /// <paramref name="previousFailureAt"/> and is <paramref name="suspect"/> when its failures followed it before.
    /// True when this failure follows the payment, not the vendor (<see cref="CircuitPolicy.IsOwnFailure"/>): not
    /// counted. Otherwise it counts towards opening, once per payment, when <see cref="CircuitPolicy.CountsTowardOpening"/>:
    /// never for a suspect, nor for a payment that fails again after the vendor answered since its last failure.
    /// </summary>
    public async Task<bool> RecordUnavailableAsync(string paymentId, DateTimeOffset? previousFailureAt, bool suspect, CancellationToken cancellationToken)
    {
        var state = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        // This instance's last answer is exact; the stored one (other instances) is refreshed every 10 seconds.
        var ticks = Math.Max(Interlocked.Read(ref _lastAnsweredTicks), state.LastSuccessAt?.UtcTicks ?? 0);
        DateTimeOffset? lastAnswered = ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        if (CircuitPolicy.IsOwnFailure(previousFailureAt, lastAnswered, state))
        {
            return true;
        }

        if (CircuitPolicy.CountsTowardOpening(previousFailureAt, lastAnswered, suspect))
        {
            await store.RecordFailureAsync(paymentId, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>The vendor refused our key: misconfigured (shown to operators, alerted), not down.</summary>
    public Task RecordMisconfiguredAsync(string refusedFor, CancellationToken cancellationToken) => store.RecordMisconfiguredAsync(refusedFor, cancellationToken);

    /// <summary>A deliberate probe failed through its retries: open at once.</summary>
    public Task RecordProbeFailedAsync(CancellationToken cancellationToken) => store.RecordProbeFailureAsync(cancellationToken);
}
