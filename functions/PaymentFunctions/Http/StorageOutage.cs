using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentFunctions.Http;

/// <summary>
/// The one place where an HTTP function's storage work gets its time budget (<c>PaymentIntake:StorageTimeout</c>)
/// and where "storage is down, hung or throttling" becomes <c>503</c> problem+json with <c>Retry-After</c>, so that a
/// client can tell "retry later, with the same idempotency key" from a bug. Run around every HTTP function: by
/// <see cref="StorageOutageMiddleware"/> under the Functions host, by the local host's endpoint otherwise. Nothing is
/// half-written: intake writes the due index, then the row with insert-if-absent, then the message, so a retry
/// finds what was written and completes it.
/// </summary>
public static class StorageOutage
{
    /// <summary>Seconds a client should wait before retrying.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Runs <paramref name="invoke"/> (the function; it returns the function's result) inside a storage budget; a
    /// storage outage becomes the 503 result, unless the client has gone.
    /// </summary>
    public static async Task<object?> InvokeAsync(HttpContext http, Func<Task<object?>> invoke)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(invoke);
        var services = http.RequestServices;
        var budget = services.GetRequiredService<IOptions<PaymentIntakeOptions>>().Value.StorageTimeout;
        using (StorageBudget.Begin(budget, services.GetRequiredService<TimeProvider>()))
        {
            try
            {
                return await invoke().ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageFaults.IsUnavailable(ex) && !http.RequestAborted.IsCancellationRequested)
            {
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Problems.StorageUnavailable();
            }
        }
    }
}
