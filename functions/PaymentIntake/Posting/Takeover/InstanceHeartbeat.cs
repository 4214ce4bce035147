using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentIntake.Posting.Takeover;

/// <summary>One instance's heartbeat in table <c>vendorrate</c>, as read.</summary>
/// <param name="Instance">The instance (a random id per process).</param>
/// <param name="JoinedAt">When it last counted itself in (after a spell without heartbeats it joins anew).</param>
/// <param name="SeenAt">Its last heartbeat.</param>
/// <param name="Working">The payments it was posting at that heartbeat (registered before it claims one).</param>
/// <param name="Version">The entity's ETag: a takeover forgets the heartbeat only if it has not beaten since.</param>
/// <param name="Idle">
/// It had nothing to post and had not renewed its rate share for two refresh periods: it sends nothing, and the others
/// no longer count it in their shares (it joins anew when it has work again).
/// </param>
public sealed record Heartbeat(string Instance, DateTimeOffset JoinedAt, DateTimeOffset SeenAt, IReadOnlyList<string>? Working = null, ETag Version = default, bool Idle = false)
{
    /// <summary>The payments it was posting (none when absent).</summary>
    public IReadOnlyList<string> WorkingOn => Working ?? [];
}

/// <summary>
/// This instance's heartbeat (table <c>vendorrate</c>, PartitionKey <c>instances</c>, RowKey the instance id): when it
/// joined, when it last beat, and the payments it is posting now. The rate shares beat through it each refresh
/// (<see cref="Vendor.VendorRateShares"/>), and a poster names each payment here, stored, before it claims the row
/// (<see cref="WorkOnAsync"/>; concurrent registrations share one write), so a heartbeat that stops names exactly the
/// claims a dead instance left: <see cref="ClaimTakeover"/> sends them again within seconds instead of the posting
/// lease and the reconciler's minutes. While it posts anything, the instance beats every <c>Posting:RateShareRefresh</c>
/// even when no request leaves (a slow vendor call), so a live instance's claims are never taken for a dead one's.
/// Once it has nothing to post and has not renewed its rate share for two refresh periods, it says so (<c>Idle</c>) in
/// one last beat: the others stop counting it at their next refresh, instead of after the heartbeat's time-to-live —
/// at the end of a drain the instance still posting gets the whole rate within seconds.
/// </summary>
public sealed class InstanceHeartbeat : IDisposable
{
    /// <summary>The partition of the heartbeats.</summary>
    public const string Partition = "instances";

    private const string WorkingColumn = "Working";
    private const string IdleColumn = "Idle";
    private readonly LazyTable _table;
    private readonly IOptions<PostingOptions> _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _working = new(StringComparer.Ordinal); // payment → deliveries handling it here
    private readonly CancellationTokenSource _stop = new();
    private long _version;
    private long _written = -1;
    private DateTimeOffset? _joinedAt;
    private DateTimeOffset _lastBeat = DateTimeOffset.MinValue;
    private DateTimeOffset _lastSending = DateTimeOffset.MinValue;
    private volatile bool _idle;
    private Task? _keepAlive;

    /// <summary>Creates this instance's heartbeat.</summary>
    public InstanceHeartbeat(TableServiceClient tables, StorageNames names, IOptions<PostingOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(names);
        _table = new LazyTable(tables, names.VendorRateTable);
        _options = options;
        _time = time;
    }

    /// <summary>This instance's id (a random one per process).</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// How long a heartbeat counts toward the rate shares: three refresh periods, and at least three seconds, so that
    /// a busy machine's late refresh does not make an instance rejoin (and wait) again and again.
    /// </summary>
    public static TimeSpan TimeToLive(TimeSpan refresh) => refresh * 3 > TimeSpan.FromSeconds(3) ? refresh * 3 : TimeSpan.FromSeconds(3);

    /// <summary>How long after its last heartbeat an instance is taken for dead and its claims taken over: <c>Posting:ClaimTakeoverAfter</c>, and never less than <see cref="TimeToLive"/>.</summary>
    public static TimeSpan TakeoverAge(PostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var live = TimeToLive(options.RateShareRefresh);
        return options.ClaimTakeoverAfter > live ? options.ClaimTakeoverAfter : live;
    }

    /// <summary>
    /// Writes this instance's heartbeat now as one that sends (the rate share's refresh: never idle), then reads every
    /// instance's.
    /// </summary>
    public async Task<IReadOnlyList<Heartbeat>> BeatAndReadAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(wanted: null, cancellationToken, sending: true).ConfigureAwait(false);
        return await ReadAllAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every instance's heartbeat (one partition query).</summary>
    public async Task<IReadOnlyList<Heartbeat>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var heartbeats = new List<Heartbeat>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            heartbeats.Add(Parse(e));
        }

        return heartbeats;
    }

    /// <summary>
    /// Names <paramref name="paymentId"/> among the payments this instance posts, and returns once that is stored;
    /// disposing the result ends it (the next heartbeat drops it). Call before claiming the payment.
    /// </summary>
    public async Task<IAsyncDisposable> WorkOnAsync(string paymentId, CancellationToken cancellationToken)
    {
        long wanted;
        lock (_lock)
        {
            _working[paymentId] = _working.GetValueOrDefault(paymentId) + 1;
            wanted = ++_version;
        }

        try
        {
            await WriteAsync(wanted, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            End(paymentId);
            throw;
        }

        KeepAlive();
        return new Work(this, paymentId);
    }

    /// <summary>
    /// True while <paramref name="instance"/> is alive (beat within <see cref="TakeoverAge"/>) and posting
    /// <paramref name="paymentId"/>: its claim on the payment stands. One point read; none for this instance, where it
    /// asks whether another delivery than the caller's (which registered it) handles the payment.
    /// </summary>
    public async Task<bool> IsWorkingOnAsync(string instance, string paymentId, CancellationToken cancellationToken)
    {
        if (instance == Instance)
        {
            lock (_lock)
            {
                return _working.GetValueOrDefault(paymentId) > 1;
            }
        }

        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var read = await table.GetEntityIfExistsAsync<TableEntity>(Partition, instance, cancellationToken: cancellationToken).ConfigureAwait(false);
        return read.HasValue && read.Value is { } entity
            && Parse(entity) is var beat
            && _time.GetUtcNow() - beat.SeenAt < TakeoverAge(_options.Value)
            && beat.WorkingOn.Contains(paymentId, StringComparer.Ordinal);
    }

    /// <summary>Deletes another instance's heartbeat unless it beat since it was read (then it lives: false).</summary>
    public async Task<bool> ForgetAsync(Heartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        try
        {
            await _table.Client.DeleteEntityAsync(Partition, heartbeat.Instance, heartbeat.Version, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return ex.Status == 404;
        }
    }

    /// <summary>
    /// Stops the beats: nothing is written after (a registration throws), and what is stored stays — a stopped
    /// instance's heartbeat expires as a dead one's does, naming what it was posting.
    /// </summary>
    public void Dispose() => _stop.Cancel();

    private static Heartbeat Parse(TableEntity e) => new(
        e.RowKey,
        e.GetDateTimeOffset("JoinedAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("SeenAt") ?? DateTimeOffset.MinValue,
        e.GetString(WorkingColumn) is { Length: > 0 } working ? working.Split(' ') : [],
        e.ETag,
        e.GetBoolean(IdleColumn) ?? false);

    private void End(string paymentId)
    {
        lock (_lock)
        {
            if (_working.TryGetValue(paymentId, out var deliveries))
            {
                if (deliveries > 1)
                {
                    _working[paymentId] = deliveries - 1;
                }
                else
                {
                    _working.Remove(paymentId);
                    _version++;
                }
            }
        }
    }

    /// <summary>
    /// Writes the heartbeat with the payments posted now. With <paramref name="wanted"/>, only if no write since
    /// that version of the set was made: registrations that wait behind a write in flight are stored by the next one.
    /// <paramref name="sending"/>: the rate share beats (the instance is about to send). The beat says <c>Idle</c>
    /// when nothing is posted here and the share was last renewed two refresh periods ago or more (it is renewed once a
    /// period old, and a turn is reserved at most half a period ahead, so nothing is sent after that); the first beat
    /// that is not idle after one that was joins anew.
    /// </summary>
    private async Task WriteAsync(long? wanted, CancellationToken cancellationToken, bool sending = false)
    {
        // A stopped instance writes nothing more: what it was posting stays named, for the others to take over.
        _stop.Token.ThrowIfCancellationRequested();
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (wanted is { } version && Volatile.Read(ref _written) >= version)
            {
                return;
            }

            string working;
            long writing;
            bool posting;
            lock (_lock)
            {
                working = string.Join(' ', _working.Keys);
                writing = _version;
                posting = _working.Count > 0;
            }

            var now = _time.GetUtcNow();
            var refresh = _options.Value.RateShareRefresh;
            if (sending)
            {
                _lastSending = now;
            }

            // Idle two periods after the last refresh of the share: a share is asked for anew once a period old, and a
            // turn is reserved at most half a period ahead — nothing is sent after that.
            var idle = !posting && now - _lastSending >= refresh * 2;
            // Rejoin after a spell without heartbeats longer than their time-to-live, or after an idle one: the others
            // stopped counting us.
            if (_joinedAt is null || now - _lastBeat >= TimeToLive(refresh) || (_idle && !idle))
            {
                _joinedAt = now;
            }

            var table = await _table.ReadyAsync().ConfigureAwait(false);
            // Idle counts here before it is stored (a write that fails may still have landed): the next busy beat joins
            // anew, so this instance never sends while the others may have stopped counting it.
            if (idle)
            {
                _idle = true;
            }

            await table.UpsertEntityAsync(new TableEntity(Partition, Instance) { ["JoinedAt"] = _joinedAt, ["SeenAt"] = now, [WorkingColumn] = working, [IdleColumn] = idle }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            _idle = idle;
            _lastBeat = now;
            Volatile.Write(ref _written, writing);
        }
        finally
        {
            _writing.Release();
        }
    }

    private void KeepAlive()
    {
        lock (_lock)
        {
            _keepAlive ??= Task.Run(KeepAliveAsync);
        }
    }

    /// <summary>Beats every refresh period while the instance posts anything, and until a beat said idle after it stopped, then ends.</summary>
    private async Task KeepAliveAsync()
    {
        var refresh = _options.Value.RateShareRefresh;
        while (true)
        {
            try
            {
                await Task.Delay(refresh, _time, _stop.Token).ConfigureAwait(false);
                // One beat a period: none when the rate shares (or a registration) beat within it and nothing changed.
                if (_time.GetUtcNow() - _lastBeat >= refresh || Volatile.Read(ref _written) != Volatile.Read(ref _version))
                {
                    await WriteAsync(wanted: null, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed beat must not end the beats: the next one tries again
            catch (Exception)
#pragma warning restore CA1031
            {
                // A takeover meanwhile would be safe (exactly once holds), only extra work.
            }

            lock (_lock)
            {
                if (_working.Count == 0 && Volatile.Read(ref _written) == _version && _idle)
                {
                    _keepAlive = null;
                    return;
                }
            }
        }
    }

    private sealed class Work(InstanceHeartbeat heartbeat, string paymentId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            heartbeat.End(paymentId);
            return ValueTask.CompletedTask;
        }
    }
}
