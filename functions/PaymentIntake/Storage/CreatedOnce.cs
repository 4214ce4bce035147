namespace PaymentIntake.Storage;

/// <summary>
/// Creates a storage resource (a table, a queue, a container) on first use, once it has succeeded: callers at the
/// same time share one try, a success is kept for the life of the process, and a failed or canceled try is
/// forgotten so that the next call tries again. A <c>Lazy&lt;Task&gt;</c> would keep the failure: a storage blip at
/// the first request would make the instance fail every request after it, while readiness said all was well.
/// </summary>
public sealed class CreatedOnce(Func<Task> create)
{
    private readonly Lock _gate = new();
    private Task? _try;

    /// <summary>Waits until the resource exists (starting a new try if none has succeeded and none is running).</summary>
    public Task EnsureAsync()
    {
        lock (_gate)
        {
            if (_try is null || _try.IsFaulted || _try.IsCanceled)
            {
                _try = create();
            }

            return _try;
        }
    }
}
