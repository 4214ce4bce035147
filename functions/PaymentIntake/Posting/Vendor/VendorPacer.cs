using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;

namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// Paces this instance's vendor requests at its share (<see cref="VendorRateShares"/>) of the app's limits
/// (<see cref="StripeRateLimits"/>): the global one and each endpoint's, evenly spaced (<see cref="VendorSchedule"/>);
/// callers wait their turn. The share may change between requests. After a 429 it sends at half its pace (halving again
/// on each further 429, down to an eighth) until <see cref="SlowDownTime"/> has passed without one.
/// </summary>
public sealed class VendorPacer(IRateShare shares, IOptions<StripeOptions> stripe, IOptions<PostingOptions> posting, TimeProvider time)
{
    /// <summary>How long a slow-down lasts after the last 429.</summary>
    public static readonly TimeSpan SlowDownTime = TimeSpan.FromSeconds(10);

    /// <summary>The lowest fraction of its share an instance slows down to.</summary>
    public const double MinSlowDown = 1.0 / 8;

    private readonly Lock _lock = new();
    private readonly VendorSchedule _schedule = new();
    private double _factor = 1;
    private DateTimeOffset _slowUntil = DateTimeOffset.MinValue;

    /// <summary>The whole app's limits, from the key's mode and the posting options.</summary>
    public StripeRateLimits Limits { get; } = StripeRateLimits.For(stripe.Value, posting.Value);

    /// <summary>The fraction of its share this instance sends at now: below 1 for <see cref="SlowDownTime"/> after a 429.</summary>
    public double Factor
    {
        get
        {
            lock (_lock)
            {
                return FactorAt(time.GetUtcNow());
            }
        }
    }

    /// <summary>Stripe answered 429: halve this instance's pace (down to <see cref="MinSlowDown"/>) for <see cref="SlowDownTime"/>.</summary>
    public void SlowDown()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            _factor = Math.Max(MinSlowDown, FactorAt(now) / 2);
            _slowUntil = now + SlowDownTime;
        }
    }

    /// <summary>
    /// Waits until this instance may send one request to <paramref name="endpoint"/>. A turn is reserved only once it
    /// is at most half a <c>Posting:RateShareRefresh</c> away, at the share of then: an instance that joins waits two
    /// refresh periods before it sends, by when every other instance has renewed its share and sends at the smaller one.
    /// </summary>
    public async Task WaitAsync(StripeEndpoint endpoint, CancellationToken cancellationToken)
    {
        var horizon = posting.Value.RateShareRefresh / 2;
        while (true)
        {
            var share = await shares.CurrentAsync(cancellationToken).ConfigureAwait(false);
            DateTimeOffset now;
            (DateTimeOffset At, bool Reserved) turn;
            lock (_lock)
            {
                now = time.GetUtcNow();
                var pace = share * FactorAt(now);
                turn = _schedule.TryReserve(endpoint, now, Limits.GlobalPerSecond * pace, Limits.For(endpoint) * pace, horizon);
            }

            var wait = turn.Reserved ? turn.At - now : turn.At - now - horizon;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            if (turn.Reserved)
            {
                return;
            }
        }
    }

    private double FactorAt(DateTimeOffset now) => now < _slowUntil ? _factor : 1;
}
