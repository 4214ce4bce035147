using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>How posting waits for, protects and paces the vendor; section <c>Posting</c>.</summary>
public sealed class PostingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Posting";

    /// <summary>First delay before a new attempt while the vendor is unavailable; doubles per attempt, ×0.5–1 jitter. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryLaterBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cap of that delay. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "6.00:00:00")]
    public TimeSpan RetryLaterMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after acceptance posting keeps trying before giving up (status failed, message to poison). Default 72 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan MaxPostingAge { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Most vendor requests per second from one instance. Default 80 (Stripe allows 100/s in live mode).</summary>
    [Range(1, 10_000)]
    public int RatePerSecond { get; set; } = 80;

    /// <summary>Consecutive "vendor unavailable" attempts that open the shared circuit. Default 5.</summary>
    [Range(1, 1000)]
    public int CircuitFailureThreshold { get; set; } = 5;

    /// <summary>How long the circuit stays open before one probe may test the vendor. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the probe may take before another instance may probe. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan CircuitProbeLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an instance trusts its last read of the circuit. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CircuitCacheTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a payment may sit without progress before the reconciler re-enqueues it. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "1.00:00:00")]
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(5);
}
