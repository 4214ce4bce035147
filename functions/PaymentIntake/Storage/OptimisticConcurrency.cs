using Azure;

namespace PaymentIntake.Storage;

/// <summary>
/// Read–decide–write with an ETag (or insert-if-absent), tried again on a fresh read when another writer got there
/// first. Table storage answers such a lost race with 412 (ETag no longer matches) or 409 (the row exists now).
/// The one helper for every such loop, so each loop states only what it reads, decides and writes.
/// </summary>
public static class OptimisticConcurrency
{
    /// <summary>True when storage refused a conditional write because another writer changed the row first.</summary>
    public static bool IsConflict(RequestFailedException exception) =>
        exception is { Status: 409 or 412 };

    /// <summary>
    /// Runs <paramref name="attempt"/> (given the try number, from 0) until it reports done (true) or
    /// <paramref name="maxTries"/> tries are spent. An attempt that returns false, or throws a conflict
    /// (<see cref="IsConflict"/>), lost a race and is tried again after <paramref name="pause"/> if given.
    /// Returns false when every try lost.
    /// </summary>
    public static async Task<bool> RetryAsync(int maxTries, Func<int, Task<bool>> attempt, Func<int, Task>? pause = null)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var tryNumber = 0; tryNumber < maxTries; tryNumber++)
        {
            try
            {
                if (await attempt(tryNumber).ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (RequestFailedException ex) when (IsConflict(ex))
            {
            }

            if (pause is not null && tryNumber + 1 < maxTries)
            {
                await pause(tryNumber).ConfigureAwait(false);
            }
        }

        return false;
    }
}
