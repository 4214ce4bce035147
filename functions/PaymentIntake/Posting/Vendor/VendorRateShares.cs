using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentIntake.Posting.Vendor;

/// <summary>One instance's heartbeat in table <c>vendorrate</c>.</summary>
/// <param name="Instance">The instance (a random id per process).</param>
/// <param name="JoinedAt">When it first counted itself in.</param>
/// <param name="SeenAt">Its last heartbeat.</param>
public sealed record RateHeartbeat(string Instance, DateTimeOffset JoinedAt, DateTimeOffset SeenAt);

/// <summary>
/// The vendor's one rate limit (<c>Posting:VendorRatePerSecond</c>) shared by every instance through the storage
/// account: each instance that calls the vendor writes a heartbeat every <c>Posting:RateShareRefresh</c> and reads
/// the others', and sends at the total divided by the instances alive. A joining instance waits two refresh periods
/// before it sends, so every sender has counted it by then; a departed one drops out after three (at least 3 s). So all instances
/// together never exceed the limit, the shares adapt within seconds, and each instance costs two storage operations
/// per refresh period, only while it calls the vendor.
/// </summary>
public sealed class VendorRateShares(TableServiceClient tables, StorageNames names, IOptions<PostingOptions> options, TimeProvider time)
{
    private const string Partition = "instances";
    private readonly LazyTable _table = new(tables, names.VendorRateTable);
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private DateTimeOffset? _joinedAt;
    private (double Rate, DateTimeOffset At) _share = (0, DateTimeOffset.MinValue);

    /// <summary>
    /// How long a heartbeat counts: three refresh periods, and at least three seconds, so that a busy machine's late
    /// refresh does not make an instance rejoin (and wait) again and again.
    /// </summary>
    public static TimeSpan TimeToLive(TimeSpan refresh) => refresh * 3 > TimeSpan.FromSeconds(3) ? refresh * 3 : TimeSpan.FromSeconds(3);

    /// <summary>This instance's share of the rate now, per second (0 while joining).</summary>
    public static double ShareOf(double total, IReadOnlyCollection<RateHeartbeat> heartbeats, string self, DateTimeOffset now, TimeSpan refresh)
    {
        ArgumentNullException.ThrowIfNull(heartbeats);
        var alive = heartbeats.Where(h => now - h.SeenAt < TimeToLive(refresh)).ToList();
        var me = alive.FirstOrDefault(h => h.Instance == self);
        return me is null || now - me.JoinedAt < refresh * 2 ? 0 : total / alive.Count;
    }

    /// <summary>The share to send at now; refreshes the heartbeat when the last one is a period old, and waits while joining.</summary>
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

            var table = await _table.ReadyAsync().ConfigureAwait(false);
            // Rejoin after an idle spell longer than the time-to-live: the others stopped counting us.
            if (_joinedAt is null || now - _share.At >= TimeToLive(refresh))
            {
                _joinedAt = now;
            }

            await table.UpsertEntityAsync(new TableEntity(Partition, _instance) { ["JoinedAt"] = _joinedAt, ["SeenAt"] = now }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            var heartbeats = new List<RateHeartbeat>();
            await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                heartbeats.Add(new RateHeartbeat(e.RowKey, e.GetDateTimeOffset("JoinedAt") ?? now, e.GetDateTimeOffset("SeenAt") ?? DateTimeOffset.MinValue));
            }

            _share = (ShareOf(options.Value.VendorRatePerSecond, heartbeats, _instance, now, refresh), now);
        }
        finally
        {
            _refreshing.Release();
        }
    }
}

/// <summary>
/// Paces this instance's vendor requests at its share of the rate, evenly spaced (no bursts, so Stripe's burst
/// allowance is never relied on); callers wait their turn. The share may change between requests. After a 429 it
/// sends at half its pace (halving again on each further 429, down to an eighth) until <see cref="SlowDownTime"/> has
/// passed without one.
/// </summary>
public sealed class VendorPacer(VendorRateShares shares, TimeProvider time) : IDisposable
{
    /// <summary>How long a slow-down lasts after the last 429.</summary>
    public static readonly TimeSpan SlowDownTime = TimeSpan.FromSeconds(10);

    /// <summary>The lowest fraction of its share an instance slows down to.</summary>
    public const double MinSlowDown = 1.0 / 8;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Lock _slow = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private double _factor = 1;
    private DateTimeOffset _slowUntil = DateTimeOffset.MinValue;

    /// <summary>The fraction of its share this instance sends at now: below 1 for <see cref="SlowDownTime"/> after a 429.</summary>
    public double Factor
    {
        get
        {
            lock (_slow)
            {
                return time.GetUtcNow() < _slowUntil ? _factor : 1;
            }
        }
    }

    /// <summary>Stripe answered 429: halve this instance's pace (down to <see cref="MinSlowDown"/>) for <see cref="SlowDownTime"/>.</summary>
    public void SlowDown()
    {
        lock (_slow)
        {
            var now = time.GetUtcNow();
            _factor = Math.Max(MinSlowDown, (now < _slowUntil ? _factor : 1) / 2);
            _slowUntil = now + SlowDownTime;
        }
    }

    /// <summary>Waits until this instance may send one request.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rate = await shares.CurrentAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var at = _next > now ? _next : now;
            if (at > now)
            {
                await Task.Delay(at - now, time, cancellationToken).ConfigureAwait(false);
            }

            _next = at + TimeSpan.FromSeconds(1 / (rate * Factor));
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _turn.Dispose();
}
