using Microsoft.Extensions.Logging;
using PaymentIntake.Payments;
using PaymentIntake.Posting.Vendor;
using Stripe;

namespace PaymentIntake.Posting.Circuit;

/// <summary>
/// A cheap read at the vendor (the balance) on a timer, so that the circuit — and so the vendor state operators see —
/// stays current even when no payment flows, and so that parked payments are woken as soon as the vendor is back.
/// </summary>
public sealed class VendorProbe(IStripeClient stripe, VendorPipeline pipeline, VendorCircuit circuit, ILogger<VendorProbe> logger)
{
    private readonly BalanceService _balance = new(stripe);

    /// <summary>Probes once; true when the vendor answered.</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.CallAsync(StripeEndpoint.RetrieveBalance, ct => _balance.GetAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
        catch (StripeException ex) when (ex.HttpStatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            // Our key is refused (revoked, or a restricted key without Balance read): operators must fix the
            // configuration. That is not an outage, so the probe does not open the circuit.
            CircuitLog.VendorMisconfigured(logger, (int)ex.HttpStatusCode, ex.StripeError?.Message ?? ex.Message);
            await circuit.RecordMisconfiguredAsync(CircuitState.ByProbe, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (Exception ex) when (VendorAnswerClassifier.ForException(ex, null, cancellationToken) is PostingOutcome.RetryLater { Throttled: true })
        {
            // Stripe answered, only asking us to slow down (the pipeline's pacer did): the vendor is up, not failing.
        }
        catch (Exception ex) when (VendorAnswerClassifier.ForException(ex, null, cancellationToken) is PostingOutcome.RetryLater later)
        {
            CircuitLog.ProbeFailed(logger, later.Reason);
            await circuit.RecordProbeFailedAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await circuit.RecordAnsweredAsync(cancellationToken, CircuitState.ByProbe).ConfigureAwait(false);
        return true;
    }
}
