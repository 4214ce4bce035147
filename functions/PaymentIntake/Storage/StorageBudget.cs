namespace PaymentIntake.Storage;

/// <summary>
/// The time an HTTP request may spend waiting on storage, in total (<c>PaymentIntake:StorageTimeout</c>), shared by
/// every storage call made in its flow. The clock starts at the request's first storage call, so reading a large
/// upload does not count. <see cref="StorageRetryPolicy"/> reads it: no try waits past it and no retry starts after it.
/// Ambient (an <see cref="AsyncLocal{T}"/>) because the deadline belongs to the request, not to any one call site:
/// the HTTP pipeline opens it once for every function.
/// </summary>
public sealed class StorageBudget
{
    private static readonly AsyncLocal<StorageBudget?> Ambient = new();
    private readonly TimeProvider _time;
    private long _started;

    private StorageBudget(TimeSpan total, TimeProvider time)
    {
        Total = total;
        _time = time;
    }

    /// <summary>The budget of the current flow; null outside an HTTP request (queue and timer functions).</summary>
    public static StorageBudget? Current => Ambient.Value;

    /// <summary>The whole budget.</summary>
    public TimeSpan Total { get; }

    /// <summary>Opens a budget of <paramref name="total"/> for the calling flow until the result is disposed.</summary>
    public static IDisposable Begin(TimeSpan total, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(total, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        var outer = Ambient.Value;
        Ambient.Value = new StorageBudget(total, time);
        return new Scope(outer);
    }

    /// <summary>What is left; the first call starts the clock. Zero or less once spent.</summary>
    public TimeSpan Remaining()
    {
        var now = _time.GetTimestamp();
        var started = Interlocked.CompareExchange(ref _started, now, 0);
        return Total - _time.GetElapsedTime(started == 0 ? now : started, now);
    }

    private sealed class Scope(StorageBudget? outer) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Ambient.Value = outer;
            }
        }
    }
}
