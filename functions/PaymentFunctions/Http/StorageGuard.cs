using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PaymentFunctions.Http;

/// <summary>
/// Turns "storage is down or throttling" into <c>503</c> problem+json with <c>Retry-After</c>, so that a client
/// can tell "retry later, with the same idempotency key" from a bug. Nothing is half-written: intake writes the due
/// index, then the row with insert-if-absent, then the message, so a retry finds what was written and completes it.
/// </summary>
internal static class StorageGuard
{
    /// <summary>Seconds a client should wait before retrying.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Runs <paramref name="handle"/>; a storage outage becomes 503.</summary>
    public static async Task<IActionResult> RunAsync(HttpRequest request, Func<Task<IActionResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageUnavailable(ex) && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.StorageUnavailable();
        }
    }

    /// <summary>No answer (connection refused, timeout), 408, 500 (OperationTimedOut) or 503 (ServerBusy) from storage.</summary>
    public static bool IsStorageUnavailable(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 or 408 or 500 or 503 } => true,
        HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsStorageUnavailable),
        _ => false,
    };
}
