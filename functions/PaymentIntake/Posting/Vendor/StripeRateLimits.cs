using PaymentIntake.Configuration;

namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// The request rates the whole app (all instances together) may send to Stripe, per second: a global one and one per
/// endpoint. Unless configured, they follow Stripe's documented limits for the key's mode (docs.stripe.com/rate-limits:
/// global 100 requests/s in live mode and 25/s in a sandbox, 25/s per endpoint unless documented otherwise, Search
/// 20 reads/s), of which the app uses <see cref="LimitUse"/>, so that requests bunched on the way (a stall, the network)
/// do not spend Stripe's burst allowance.
/// </summary>
/// <param name="GlobalPerSecond">All requests together.</param>
/// <param name="EndpointPerSecond">Each endpoint's (<see cref="StripeEndpoint"/>).</param>
/// <param name="SearchPerSecond">Each Search API endpoint's.</param>
public sealed record StripeRateLimits(double GlobalPerSecond, double EndpointPerSecond, double SearchPerSecond)
{
    /// <summary>Stripe's global limit in live mode.</summary>
    public const int LiveGlobalLimit = 100;

    /// <summary>Stripe's global limit in a sandbox (test keys).</summary>
    public const int SandboxGlobalLimit = 25;

    /// <summary>Stripe's default limit of one endpoint.</summary>
    public const int EndpointLimit = 25;

    /// <summary>Stripe's limit of the Search API.</summary>
    public const int SearchLimit = 20;

    /// <summary>The fraction of a documented limit the app uses by default.</summary>
    public const double LimitUse = 0.95;

    /// <summary>
    /// The rates for the key's mode and the posting options: <c>Posting:VendorRatePerSecond</c> and
    /// <c>Posting:VendorEndpointRatePerSecond</c> when set (an account whose limits Stripe raised), else
    /// <see cref="LimitUse"/> of Stripe's limits for the key's mode. A search endpoint never exceeds the endpoint rate.
    /// </summary>
    public static StripeRateLimits For(StripeOptions stripe, PostingOptions posting)
    {
        ArgumentNullException.ThrowIfNull(stripe);
        ArgumentNullException.ThrowIfNull(posting);
        var global = posting.VendorRatePerSecond ?? (stripe.IsLiveKey ? LiveGlobalLimit : SandboxGlobalLimit) * LimitUse;
        var endpoint = posting.VendorEndpointRatePerSecond ?? EndpointLimit * LimitUse;
        return new StripeRateLimits(global, endpoint, Math.Min(endpoint, SearchLimit * LimitUse));
    }

    /// <summary>The whole app's rate for one endpoint.</summary>
    public double For(StripeEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.IsSearch ? SearchPerSecond : EndpointPerSecond;
    }
}
