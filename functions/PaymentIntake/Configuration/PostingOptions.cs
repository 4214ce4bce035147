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

    /// <summary>
    /// Most vendor requests per second from the whole app, all instances together (they share it through storage).
    /// Default: 95 % of Stripe's global limit for the key's mode (docs.stripe.com/rate-limits: 100/s live, 25/s in a
    /// sandbox), so 95 with a live key and 23.75 with a test key. Set it when Stripe has raised the account's limit.
    /// </summary>
    [Range(1, 10_000)]
    public int? VendorRatePerSecond { get; set; }

    /// <summary>
    /// Most requests per second to any one Stripe endpoint (a named operation such as
    /// <c>POST /v1/payment_intents/{id}/confirm</c>), all instances together. Default: 95 % of Stripe's 25/s per
    /// endpoint (23.75), and of its 20/s for Search. Set it when Stripe has raised the account's limits.
    /// </summary>
    [Range(1, 10_000)]
    public int? VendorEndpointRatePerSecond { get; set; }

    /// <summary>How often an instance that calls the vendor renews its share of the rate. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RateShareRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Consecutive "vendor unavailable" attempts, each from a different payment, that open the shared circuit. Default 5.
    /// </summary>
    [Range(1, 1000)]
    public int CircuitFailureThreshold { get; set; } = 5;

    /// <summary>
    /// How many times the vendor may fail one payment while it answers others (the probe, other payments) and nothing
    /// else fails, before that payment is given up
    /// (failed, to <c>payments-poison</c> as <c>vendor_fails_payment</c>). Such failures never count toward the circuit.
    /// Default 5.
    /// </summary>
    [Range(1, 1000)]
    public int OwnFailureLimit { get; set; } = 5;

    /// <summary>How long the circuit stays open before one probe may test the vendor. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the probe may take before another instance may probe. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan CircuitProbeLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an instance trusts its last read of the circuit to let a call through (a refusal is read again first). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CircuitCacheTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a payment in <c>posting</c> belongs to the worker posting it: another delivery of its message stands
    /// back until then (longer than one attempt: request timeout × tries plus backoff). Default 2 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PostingLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long after an instance's last heartbeat its claims are taken over (its payments in <c>posting</c> sent
    /// again, <see cref="Posting.Takeover.ClaimTakeover"/>); never less than three <see cref="RateShareRefresh"/>
    /// periods. A live instance beats every refresh period while it posts, so only a dead or frozen one misses this.
    /// Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ClaimTakeoverAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a payment in <c>action_required</c> is checked at the vendor, so a lost webhook changes nothing but
    /// latency. Default 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ActionCheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a payment may stay in <c>action_required</c>; then its PaymentIntent is canceled and it is
    /// <c>failed</c> (the member pays anew). Default 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "90.00:00:00")]
    public TimeSpan ActionRequiredTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a payment may sit without progress before the reconciler re-enqueues it. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "1.00:00:00")]
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(5);
}
