using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Posting.Takeover;

namespace PaymentIntake.Posting.Vendor;

/// <summary>This instance's share of the app's vendor limits.</summary>
public interface IRateShare
{
    /// <summary>The share now, in (0, 1]; waits while the instance cannot send yet.</summary>
    Task<double> CurrentAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The vendor's rate limits (<see cref="StripeRateLimits"/>: the global one and each endpoint's) shared by every
/// instance through the storage account: each instance that calls the vendor writes its heartbeat
/// (<see cref="InstanceHeartbeat"/>) every <c>Posting:RateShareRefresh</c> and reads the others', and sends at each limit
/// divided by the instances that send. A joining instance waits two refresh periods before it sends, so every sender
/// has counted it by then — unless it is the only one: then nobody sends at a share that leaves it out, and it takes the
/// whole rate at once. An instance that has nothing left to post says so in its heartbeat (idle) two refresh periods after
/// its last renewal of the share and drops out of the others' count at their next refresh (it joins anew when work comes); a dead one
/// drops out after three periods (at least 3 s). So all instances together never exceed the limit, the shares follow
/// the work within seconds (at the end of a drain the last busy instance gets the whole rate), and each instance costs
/// two storage operations per refresh period, only while it calls the vendor.
/// </summary>
public sealed class VendorRateShares(InstanceHeartbeat heartbeat, IOptions<PostingOptions> options, TimeProvider time) : IRateShare
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private (double Rate, DateTimeOffset At) _share = (0, DateTimeOffset.MinValue);

    /// <summary>
    /// This instance's share of the rate now, per second: <paramref name="total"/> divided by the instances that send
    /// (beat within the time-to-live and not idle); 0 while it joins and another instance sends.
    /// </summary>
    public static double ShareOf(double total, IReadOnlyCollection<Heartbeat> heartbeats, string self, DateTimeOffset now, TimeSpan refresh)
    {
        ArgumentNullException.ThrowIfNull(heartbeats);
        var sending = heartbeats.Where(h => now - h.SeenAt < InstanceHeartbeat.TimeToLive(refresh) && !h.Idle).ToList();
        var me = sending.FirstOrDefault(h => h.Instance == self);
        if (me is null)
        {
            return 0;
        }

        // Another sender may still send at a share that does not count us (it reads every refresh period and reserves
        // half a period ahead): wait until it has. Alone, nobody does — this read follows our own beat.
        var joining = now - me.JoinedAt < refresh * 2;
        return joining && sending.Count > 1 ? 0 : total / sending.Count;
    }

    /// <summary>
    /// This instance's share of the app's limits now (1 ÷ the instances alive); refreshes the heartbeat when the last
    /// one is a period old, and waits while joining.
    /// </summary>
    public async Task<double> CurrentAsync(CancellationToken cancellationToken)
    {
        var refresh = options.Value.RateShareRefresh;
        while (true)
        {
            if (time.GetUtcNow() - _share.At >= refresh)
            {
                await RefreshAsync(refresh, cancellationToken).ConfigureAwait(false);
            }

            if (_share.Rate > 0)
            {
                return _share.Rate;
            }

            await Task.Delay(refresh / 4, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefreshAsync(TimeSpan refresh, CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (now - _share.At < refresh)
            {
                return;
            }

            var heartbeats = await heartbeat.BeatAndReadAsync(cancellationToken).ConfigureAwait(false);
            _share = (ShareOf(1, heartbeats, heartbeat.Instance, now, refresh), now);
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
