using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentIntake.Posting.Circuit;

/// <summary>
/// The vendor circuit, shared by every instance through one row in table <c>vendorstate</c>. Reads are cached
/// briefly per instance; changes use the row's ETag, so exactly one instance wins the probe.
/// </summary>
public sealed class VendorCircuitStore
{
    private const string Partition = "vendor";
    private const string Row = "circuit";
    private readonly LazyTable _table;
    private readonly TimeProvider _time;
    private readonly PostingOptions _options;
    private readonly Lock _cacheLock = new();
    private readonly ILogger<VendorCircuitStore> _logger;
    private (CircuitState State, DateTimeOffset ReadAt)? _cache;

    /// <summary>Creates the store.</summary>
    public VendorCircuitStore(TableServiceClient tables, StorageNames names, TimeProvider time, IOptions<PostingOptions> options, ILogger<VendorCircuitStore> logger)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(options);
        _table = new LazyTable(tables, names.VendorStateTable);
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Reads the circuit (from the per-instance cache when it is fresh enough).</summary>
    public async Task<CircuitState> GetAsync(CancellationToken cancellationToken)
    {
        lock (_cacheLock)
        {
            if (_cache is { } cached && _time.GetUtcNow() - cached.ReadAt < _options.CircuitCacheTime)
            {
                return cached.State;
            }
        }

        var (state, _) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>
    /// Asks whether to call the vendor now; claims the probe when the break is over. A cached "closed" lets the call
    /// through; anything else is decided again on a fresh read: a payment woken because another instance just closed
    /// the circuit must not be parked again behind a full backoff by this instance's cache of the open circuit.
    /// </summary>
    public async Task<Admission> AdmitAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var admission = CircuitPolicy.Admit(await GetAsync(cancellationToken).ConfigureAwait(false), now, _options.CircuitProbeLease);
        if (admission is Admission.Allowed)
        {
            return admission;
        }

        // The cached state said "probe" or "rejected": decide again on a fresh read, and claim a probe with the ETag.
        var (fresh, etag) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        admission = CircuitPolicy.Admit(fresh, now, _options.CircuitProbeLease);
        if (admission is Admission.Probe probe && !await TryWriteAsync(probe.Claimed, etag, cancellationToken).ConfigureAwait(false))
        {
            return new Admission.Rejected(now + _options.CircuitProbeLease, fresh);
        }

        return admission;
    }

    /// <summary>
    /// Records that the vendor answered; true when this closed a circuit that was not closed (the vendor is back).
    /// On a healthy circuit it writes only to refresh <see cref="CircuitState.LastSuccessAt"/> every 10 seconds.
    /// </summary>
    public async Task<bool> RecordSuccessAsync(CancellationToken cancellationToken, string answeredFor = CircuitState.ByPayments)
    {
        var now = _time.GetUtcNow();
        var written = await UpdateAsync(
            s => CircuitPolicy.SuccessChangesState(s, answeredFor) || now - s.LastSuccessAt > TimeSpan.FromSeconds(10) ? CircuitPolicy.OnSuccess(s, now, answeredFor) : null,
            cancellationToken).ConfigureAwait(false);
        return written is { Before.State: not CircuitState.Closed };
    }

    /// <summary>Records that the vendor was unavailable to payment <paramref name="paymentId"/>.</summary>
    public Task RecordFailureAsync(string paymentId, CancellationToken cancellationToken) =>
        UpdateAsync(
            s => CircuitPolicy.OnFailure(s, _time.GetUtcNow(), _options.CircuitFailureThreshold, _options.CircuitBreakDuration, paymentId) is var next && next != s ? next : null,
            cancellationToken);

    /// <summary>Records that the vendor refused our key (401/403) for <paramref name="refusedFor"/>'s calls: misconfigured since the first refusal. The circuit is not touched.</summary>
    public Task RecordMisconfiguredAsync(string refusedFor, CancellationToken cancellationToken) =>
        UpdateAsync(s => CircuitPolicy.OnKeyRefused(s, _time.GetUtcNow(), refusedFor) is var next && next != s ? next : null, cancellationToken);

    /// <summary>Records a failed probe: a deliberate read that failed through its retries opens the circuit at once.</summary>
    public Task RecordProbeFailureAsync(CancellationToken cancellationToken) =>
        UpdateAsync(s => CircuitPolicy.OnFailure(s, _time.GetUtcNow(), failureThreshold: 1, _options.CircuitBreakDuration), cancellationToken);

    private async Task<(CircuitState Before, CircuitState After)?> UpdateAsync(Func<CircuitState, CircuitState?> change, CancellationToken cancellationToken)
    {
        if (change(await GetAsync(cancellationToken).ConfigureAwait(false)) is null)
        {
            return null;
        }

        // Concurrent writers: a few tries on fresh reads; a lost count near the threshold only delays opening a little.
        (CircuitState Before, CircuitState After)? written = null;
        await OptimisticConcurrency.RetryAsync(3, async _ =>
        {
            var (state, etag) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (change(state) is not { } next)
            {
                return true;
            }

            if (!await TryWriteAsync(next, etag, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            if (VendorState.Of(state) != VendorState.Of(next))
            {
                CircuitLog.VendorStateChanged(_logger, VendorState.Of(state), VendorState.Of(next), next.DownSince);
            }

            written = (state, next);
            return true;
        }).ConfigureAwait(false);
        return written;
    }

    private async Task<(CircuitState State, ETag? ETag)> ReadAsync(CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        var state = response.HasValue ? FromEntity(response.Value!) : CircuitState.Initial;
        Remember(state);
        return (state, response.HasValue ? response.Value!.ETag : null);
    }

    private async Task<bool> TryWriteAsync(CircuitState state, ETag? etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(Partition, Row)
        {
            ["State"] = state.State,
            ["ConsecutiveFailures"] = state.ConsecutiveFailures,
            ["OpenUntil"] = state.OpenUntil,
            ["ProbeUntil"] = state.ProbeUntil,
            ["DownSince"] = state.DownSince,
            ["LastSuccessAt"] = state.LastSuccessAt,
            ["FailingPayments"] = state.FailingPayments,
            ["MisconfiguredSince"] = state.MisconfiguredSince,
            ["KeyRefusedFor"] = state.KeyRefusedFor,
        };
        try
        {
            if (etag is { } match)
            {
                await _table.Client.UpdateEntityAsync(entity, match, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _table.Client.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex) when (OptimisticConcurrency.IsConflict(ex))
        {
            return false;
        }

        Remember(state);
        return true;
    }

    private void Remember(CircuitState state)
    {
        lock (_cacheLock)
        {
            _cache = (state, _time.GetUtcNow());
        }
    }

    private static CircuitState FromEntity(TableEntity e) => new(
        e.GetString("State") ?? CircuitState.Closed,
        e.GetInt32("ConsecutiveFailures") ?? 0,
        e.GetDateTimeOffset("OpenUntil"),
        e.GetDateTimeOffset("ProbeUntil"),
        e.GetDateTimeOffset("DownSince"),
        e.GetDateTimeOffset("LastSuccessAt"))
    {
        FailingPayments = e.GetString("FailingPayments") ?? "",
        MisconfiguredSince = e.GetDateTimeOffset("MisconfiguredSince"),
        KeyRefusedFor = e.GetString("KeyRefusedFor") ?? "",
    };
}

/// <summary>
/// The vendor's state as operators see it: <c>misconfigured</c> (our key is refused: fix the configuration),
/// <c>down</c> (circuit open), <c>degraded</c> (failures, circuit still closed) or <c>up</c>.
/// </summary>
public static class VendorState
{
    /// <summary>Maps the circuit to the vendor state.</summary>
    public static string Of(CircuitState circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        return circuit.MisconfiguredSince is not null ? "misconfigured"
            : circuit.State != CircuitState.Closed ? "down"
            : circuit.ConsecutiveFailures > 0 ? "degraded"
            : "up";
    }
}

internal static partial class CircuitLog
{
    /// <summary>The outage alert matches this event (its id, and on Azure its name: the host re-logs worker events with id 0).</summary>
    [LoggerMessage(EventId = EventIds.VendorStateChanged, EventName = nameof(EventIds.VendorStateChanged), Level = LogLevel.Warning, Message = "Vendor state changed from {OldState} to {NewState} (down since {DownSince})")]
    public static partial void VendorStateChanged(ILogger logger, string oldState, string newState, DateTimeOffset? downSince);

    [LoggerMessage(EventId = EventIds.Woken, Level = LogLevel.Warning, Message = "The vendor is back: woke {Count} waiting payments")]
    public static partial void Woken(ILogger logger, int count);

    [LoggerMessage(EventId = EventIds.ProbeFailed, EventName = nameof(EventIds.ProbeFailed), Level = LogLevel.Warning, Message = "Vendor probe failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string reason);

    /// <summary>The misconfiguration alert matches this event.</summary>
    [LoggerMessage(EventId = EventIds.VendorMisconfigured, EventName = nameof(EventIds.VendorMisconfigured), Level = LogLevel.Error, Message = "The vendor refused our key ({Status}): {Reason}. Fix Stripe:ApiKey (a restricted key needs the permissions listed in the README)")]
    public static partial void VendorMisconfigured(ILogger logger, int status, string reason);
}
