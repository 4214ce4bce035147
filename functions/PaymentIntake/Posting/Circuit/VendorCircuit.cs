namespace PaymentIntake.Posting;

/// <summary>
/// The shared circuit as posting and the probe use it: ask before calling the vendor, report how the vendor
/// answered. When an answer closes a circuit that was open, every waiting payment is woken at once.
/// </summary>
public sealed class VendorCircuit(VendorCircuitStore store, ParkedPaymentWaker waker)
{
    /// <summary>Null when the vendor may be called now; otherwise the payment is parked until the circuit allows a call.</summary>
    public async Task<PostingOutcome.Parked?> AdmitAsync(CancellationToken cancellationToken) =>
        await store.AdmitAsync(cancellationToken).ConfigureAwait(false) is Admission.Rejected rejected
            ? new PostingOutcome.Parked($"The vendor circuit is {rejected.State.State} until {rejected.RetryAt:O}.", rejected.RetryAt)
            : null;

    /// <summary>The vendor answered (whatever the business answer): close the circuit, and wake the parked payments if it was open.</summary>
    public async Task RecordAnsweredAsync(CancellationToken cancellationToken)
    {
        if (await store.RecordSuccessAsync(cancellationToken).ConfigureAwait(false))
        {
            await waker.WakeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The vendor was unavailable to a payment: count towards opening.</summary>
    public Task RecordUnavailableAsync(CancellationToken cancellationToken) => store.RecordFailureAsync(cancellationToken);

    /// <summary>A deliberate probe failed through its retries: open at once.</summary>
    public Task RecordProbeFailedAsync(CancellationToken cancellationToken) => store.RecordProbeFailureAsync(cancellationToken);
}
