using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Posting.Circuit;

namespace PaymentFunctions.Posting;

/// <summary>
/// Every 5 seconds: a cheap read at the vendor keeps the circuit current and wakes parked payments on recovery, so a
/// drain starts within seconds of the vendor's return (issue 24: a minute's schedule added up to a minute to every
/// drain, 10 seconds still up to 12 s with five instances on 2 cores). 17,280 balance reads a day, 0.2 a second against
/// Stripe's 25/s per endpoint.
/// </summary>
public sealed class ProbeVendor(VendorProbe probe)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ProbeVendor))]
    public Task Run([TimerTrigger("*/5 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        probe.ProbeAsync(cancellationToken);
}
