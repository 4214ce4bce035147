namespace StripeEmulator;

/// <summary>
/// Stripe's rate limiter as docs.stripe.com/rate-limits describes it, per account: a global limit (100 requests/s in
/// live mode, 25/s in a sandbox) and, on top of it, one per endpoint — each named API operation (method and path
/// template) is its own endpoint, 25 requests/s unless documented otherwise; the Search API 20 reads/s. Each limit is
/// a token bucket (a burst up to the limit, refilled at the limit per second); a request must fit all of its limits,
/// and one refused by any is answered 429 and spends nothing. The emulator accepts test keys only, so it is a sandbox
/// and its global default is 25/s; a live account's 100/s (or a limit Stripe raised on request) is a setting.
/// </summary>
public sealed class StripeRateLimiter(TimeProvider time)
{
    /// <summary>Stripe's global limit in live mode.</summary>
    public const int LiveGlobalLimit = 100;

    /// <summary>Stripe's global limit in a sandbox.</summary>
    public const int SandboxGlobalLimit = 25;

    /// <summary>Stripe's default limit of one endpoint.</summary>
    public const int DefaultEndpointLimit = 25;

    /// <summary>Stripe's limit of a Search API endpoint.</summary>
    public const int DefaultSearchLimit = 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.Ordinal);

    /// <summary>The global limit per second (null: none).</summary>
    public int? GlobalPerSecond { get; set; } = SandboxGlobalLimit;

    /// <summary>Each endpoint's limit per second (null: none).</summary>
    public int? EndpointPerSecond { get; set; } = DefaultEndpointLimit;

    /// <summary>Each Search endpoint's limit per second (null: none).</summary>
    public int? SearchPerSecond { get; set; } = DefaultSearchLimit;

    /// <summary>Stripe's defaults for a sandbox again.</summary>
    public void UseStripeDefaults()
    {
        lock (_lock)
        {
            (GlobalPerSecond, EndpointPerSecond, SearchPerSecond) = (SandboxGlobalLimit, DefaultEndpointLimit, DefaultSearchLimit);
            _buckets.Clear();
        }
    }

    /// <summary>No limits at all (what Stripe never does; for tests about something else).</summary>
    public void Lift()
    {
        lock (_lock)
        {
            (GlobalPerSecond, EndpointPerSecond, SearchPerSecond) = (null, null, null);
            _buckets.Clear();
        }
    }

    /// <summary>
    /// Takes one token from the global bucket and the endpoint's; null when the request fits, else the limiter that
    /// refused it, as Stripe names it in <c>Stripe-Rate-Limited-Reason</c> (<c>global-rate</c>, <c>endpoint-rate</c>).
    /// </summary>
    /// <param name="endpoint">Method and route template, e.g. <c>POST /v1/payment_intents/{id}/confirm</c>.</param>
    public string? Admit(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var now = time.GetUtcNow();
        var endpointLimit = endpoint.EndsWith("/search", StringComparison.Ordinal) ? SearchPerSecond : EndpointPerSecond;
        lock (_lock)
        {
            var global = Tokens("global", GlobalPerSecond, now);
            if (global is < 1)
            {
                return "global-rate";
            }

            var own = Tokens(endpoint, endpointLimit, now);
            if (own is < 1)
            {
                return "endpoint-rate";
            }

            Spend("global", global, now);
            Spend(endpoint, own, now);
            return null;
        }
    }

    /// <summary>The bucket's tokens now (null: no limit).</summary>
    private double? Tokens(string bucket, int? limit, DateTimeOffset now)
    {
        if (limit is not { } perSecond)
        {
            return null;
        }

        var tokens = _buckets.TryGetValue(bucket, out var b) ? Math.Min(perSecond, b.Tokens + ((now - b.At).TotalSeconds * perSecond)) : perSecond;
        _buckets[bucket] = (tokens, now);
        return tokens;
    }

    private void Spend(string bucket, double? tokens, DateTimeOffset now)
    {
        if (tokens is { } t)
        {
            _buckets[bucket] = (t - 1, now);
        }
    }
}
