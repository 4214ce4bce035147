using Microsoft.Extensions.Logging;
using PaymentIntake.Reconciliation;
using PaymentIntake.Storage;
using Stripe;

namespace PaymentIntake.Posting;

/// <summary>
/// A cheap read at the vendor (the balance) on a timer, so that the circuit — and so the vendor state operators see —
/// stays current even when no payment flows, and so that parked payments are woken as soon as the vendor is back.
/// </summary>
public sealed class VendorProbe(IStripeClient stripe, VendorPipeline pipeline, VendorCircuitStore circuit, ParkedPaymentWaker waker, ILogger<VendorProbe> logger)
{
    private readonly BalanceService _balance = new(stripe);

    /// <summary>Probes once; true when the vendor answered.</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.CallAsync(ct => _balance.GetAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (VendorAnswerClassifier.ForException(ex, null, cancellationToken) is PostingOutcome.RetryLater later)
        {
            ProbeLog.Down(logger, later.Reason);
            await circuit.RecordProbeFailureAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (await circuit.RecordSuccessAsync(cancellationToken).ConfigureAwait(false))
        {
            await waker.WakeAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}

internal static partial class ProbeLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Vendor probe failed: {Reason}")]
    public static partial void Down(ILogger logger, string reason);
}
