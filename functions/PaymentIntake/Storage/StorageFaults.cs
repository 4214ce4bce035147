using Azure;

namespace PaymentIntake.Storage;

/// <summary>Which storage failures mean "storage is unavailable, try again later" rather than a bug.</summary>
public static class StorageFaults
{
    /// <summary>
    /// No answer in time (<see cref="StorageTimeoutException"/>), no connection (status 0,
    /// <see cref="HttpRequestException"/>), a connection cut while the answer was read (<see cref="IOException"/>,
    /// <see cref="System.Net.Sockets.SocketException"/>), 408, 500 (OperationTimedOut) or 503 (ServerBusy); an
    /// <see cref="AggregateException"/> of the SDK's tries when every try failed so.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StorageTimeoutException => true,
        RequestFailedException { Status: 0 or 408 or 500 or 503 } => true,
        HttpRequestException or IOException or System.Net.Sockets.SocketException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        _ => false,
    };
}
