using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Queue;

namespace PaymentIntake.Posting.Takeover;

/// <summary>
/// Takes over a dead instance's claims: an instance whose heartbeat (<see cref="InstanceHeartbeat"/>) is older than
/// <see cref="InstanceHeartbeat.TakeoverAge"/> — killed, crashed, its machine gone — is posting nothing any more, so
/// each payment it named is sent again (delay 0) and its heartbeat forgotten. The poster that receives such a message
/// finds the row in <c>posting</c> claimed by an instance that no longer works on it, and claims it in turn; the
/// vendor calls stay idempotent (the create key, the confirm of the stored intent), so a takeover of an instance that
/// was only slow costs work, never a second charge. Runs every few seconds (<c>TakeOverClaims</c>); the messages the
/// dead host had received but not yet handed to the app come back when their visibility ends (10 minutes on the
/// Functions host), as before.
/// </summary>
public sealed class ClaimTakeover(InstanceHeartbeat heartbeat, PaymentQueue queue, IOptions<PostingOptions> options, TimeProvider time, ILogger<ClaimTakeover> logger)
{
    /// <summary>What one run did: heartbeats of dead instances forgotten, and payments sent again.</summary>
    public sealed record Report(int DeadInstances, int Sent);

    /// <summary>Runs once.</summary>
    public async Task<Report> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var age = InstanceHeartbeat.TakeoverAge(options.Value);
        int dead = 0, sent = 0;
        foreach (var beat in await heartbeat.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (beat.Instance == heartbeat.Instance || now - beat.SeenAt < age)
            {
                continue;
            }

            // Send first, forget after: a run that dies in between leaves the heartbeat for the next run (extra messages are harmless).
            foreach (var paymentId in beat.WorkingOn)
            {
                await queue.SendAsync(paymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                sent++;
            }

            if (await heartbeat.ForgetAsync(beat, cancellationToken).ConfigureAwait(false))
            {
                dead++;
                if (beat.WorkingOn.Count > 0)
                {
                    TakeoverLog.TakenOver(logger, beat.Instance, beat.SeenAt, beat.WorkingOn.Count);
                }
            }
        }

        return new Report(dead, sent);
    }
}

internal static partial class TakeoverLog
{
    [LoggerMessage(EventId = EventIds.ClaimsTakenOver, Level = LogLevel.Warning, Message = "Instance {Instance} stopped beating at {LastSeenAt}: its {Count} payments in posting were sent again")]
    public static partial void TakenOver(ILogger logger, string instance, DateTimeOffset lastSeenAt, int count);
}
