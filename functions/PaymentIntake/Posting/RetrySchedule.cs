namespace PaymentIntake.Posting;

/// <summary>When to try again while the vendor is unavailable: exponential backoff with jitter, capped.</summary>
public static class RetrySchedule
{
    /// <summary>
    /// The delay before attempt <paramref name="attempts"/> + 1: base × 2^(attempts − 1), capped at
    /// <paramref name="maxDelay"/>, then scaled by a jitter factor in [0.5, 1] taken from <paramref name="random01"/> ∈ [0, 1).
    /// </summary>
    public static TimeSpan DelayAfter(int attempts, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ticks = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, exponent));
        return TimeSpan.FromTicks((long)(ticks * (0.5 + (Math.Clamp(random01, 0, 1) / 2))));
    }
}
