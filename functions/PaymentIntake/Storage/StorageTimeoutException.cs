namespace PaymentIntake.Storage;

/// <summary>Storage did not answer a try within its time (<see cref="StorageRetryPolicy"/>): unreachable, hung or too slow.</summary>
public sealed class StorageTimeoutException : TimeoutException
{
    /// <summary>A try that outlasted <paramref name="tryTimeout"/> (or what was left of <paramref name="budget"/>).</summary>
    public StorageTimeoutException(TimeSpan tryTimeout, TimeSpan? budget, Exception inner)
        : base(budget is { } total
            ? $"Storage did not answer within the request's storage budget of {total.TotalSeconds:0.###} s (PaymentIntake:StorageTimeout; each try at most {tryTimeout.TotalSeconds:0.###} s, PaymentIntake:StorageTryTimeout)."
            : $"Storage did not answer a try within {tryTimeout.TotalSeconds:0.###} s (PaymentIntake:StorageTryTimeout).", inner)
    {
    }

    /// <summary>For serializers and tests.</summary>
    public StorageTimeoutException()
    {
    }

    /// <summary>For serializers and tests.</summary>
    public StorageTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>For serializers and tests.</summary>
    public StorageTimeoutException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
