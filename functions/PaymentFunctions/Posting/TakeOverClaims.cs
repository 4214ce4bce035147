using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Posting.Takeover;

namespace PaymentFunctions.Posting;

/// <summary>Every 5 seconds: sends again the payments a dead instance was posting (see <see cref="ClaimTakeover"/>).</summary>
public sealed class TakeOverClaims(ClaimTakeover takeover)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(TakeOverClaims))]
    public Task Run([TimerTrigger("*/5 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        takeover.RunAsync(cancellationToken);
}
