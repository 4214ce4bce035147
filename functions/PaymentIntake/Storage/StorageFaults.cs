using Azure;

namespace PaymentIntake.Storage;

/// <summary>Which storage failures mean "storage is unavailable, try again later" rather than a bug.</summary>
public static class StorageFaults
{
    /// <summary>
    /// No answer in time (<see cref="StorageTimeoutException"/>), no connection or one cut mid-answer (status 0, as
    /// <see cref="StorageRetryPolicy"/> reports both; <see cref="HttpRequestException"/>), 408, 500
    /// (OperationTimedOut) or 503 (ServerBusy); an
    /// <see cref="AggregateException"/> of the SDK's tries when every try failed so.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StorageTimeoutException => true,
        RequestFailedException { Status: 0 or 408 or 500 or 503 } => true,
        HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        _ => false,
    };
}
