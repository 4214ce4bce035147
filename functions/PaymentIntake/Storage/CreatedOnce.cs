using System.Collections.Concurrent;

namespace PaymentIntake.Storage;

/// <summary>
/// Creates a storage resource (a table, a queue, a container) on first use, once it has succeeded: callers at the
/// same time share one try, a success is kept for the life of the process, and a failed or canceled try is
/// forgotten so that the next call tries again. A <c>Lazy&lt;Task&gt;</c> would keep the failure: a storage blip at
/// the first request would make the instance fail every request after it, while readiness said all was well.
/// Given the resource's address, a success counts for every client of that address in the process (the app has one of
/// each, but a test process runs many app instances, each its own clients): each creation is a call to storage.
/// </summary>
public sealed class CreatedOnce(Func<Task> create, Uri? resource = null)
{
    private static readonly ConcurrentDictionary<string, bool> Existing = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Task? _try;

    /// <summary>Waits until the resource exists (starting a new try if none has succeeded and none is running).</summary>
    public Task EnsureAsync()
    {
        lock (_gate)
        {
            if (_try is null && resource is not null && Existing.ContainsKey(resource.AbsoluteUri))
            {
                _try = Task.CompletedTask;
            }

            if (_try is null || _try.IsFaulted || _try.IsCanceled)
            {
                _try = CreateAsync();
            }

            return _try;
        }
    }

    private async Task CreateAsync()
    {
        await create().ConfigureAwait(false);
        if (resource is not null)
        {
            Existing.TryAdd(resource.AbsoluteUri, true);
        }
    }
}
