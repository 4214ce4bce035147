using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Posting.Circuit;

namespace PaymentFunctions.Posting;

/// <summary>
/// Every 10 seconds: a cheap read at the vendor keeps the circuit current and wakes parked payments on recovery, so a
/// drain starts within seconds of the vendor's return (issue 24; a minute's schedule added up to a minute to every
/// drain). 8,640 balance reads a day, one a second at most against Stripe's 25/s per endpoint.
/// </summary>
public sealed class ProbeVendor(VendorProbe probe)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ProbeVendor))]
    public Task Run([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        probe.ProbeAsync(cancellationToken);
}
