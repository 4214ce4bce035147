using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Posting.Circuit;

namespace PaymentFunctions.Posting;

/// <summary>Every minute: a cheap read at the vendor keeps the circuit current and wakes parked payments on recovery.</summary>
public sealed class ProbeVendor(VendorProbe probe)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(ProbeVendor))]
    public Task Run([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        probe.ProbeAsync(cancellationToken);
}
