using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentIntake.Posting.Vendor;

/// <summary>This instance's share of the app's vendor limits.</summary>
public interface IRateShare
{
    /// <summary>The share now, in (0, 1]; waits while the instance cannot send yet.</summary>
    Task<double> CurrentAsync(CancellationToken cancellationToken);
}

/// <summary>One instance's heartbeat in table <c>vendorrate</c>.</summary>
/// <param name="Instance">The instance (a random id per process).</param>
/// <param name="JoinedAt">When it first counted itself in.</param>
/// <param name="SeenAt">Its last heartbeat.</param>
public sealed record RateHeartbeat(string Instance, DateTimeOffset JoinedAt, DateTimeOffset SeenAt);

/// <summary>
/// The vendor's rate limits (<see cref="StripeRateLimits"/>: the global one and each endpoint's) shared by every
/// instance through the storage account: each instance that calls the vendor writes a heartbeat every
/// <c>Posting:RateShareRefresh</c> and reads the others', and sends at each limit divided by the instances alive. A joining instance waits two refresh periods
/// before it sends, so every sender has counted it by then; a departed one drops out after three (at least 3 s). So all instances
/// together never exceed the limit, the shares adapt within seconds, and each instance costs two storage operations
/// per refresh period, only while it calls the vendor.
/// </summary>
public sealed class VendorRateShares(TableServiceClient tables, StorageNames names, IOptions<PostingOptions> options, TimeProvider time) : IRateShare
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

            _share = (ShareOf(1, heartbeats, _instance, now, refresh), now);
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
