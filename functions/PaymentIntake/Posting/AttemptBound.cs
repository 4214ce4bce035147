using PaymentIntake.Configuration;

namespace PaymentIntake.Posting;

/// <summary>
/// How long a posting attempt may run before it is taken for hung (<see cref="PostingStalledException"/>): the posting
/// lease, or — where the settings make an attempt longer than that — the longest an attempt can take without hanging:
/// three vendor steps (create, confirm, a read or cancel), each every try timed out (<c>Stripe:MaxRetries</c> + 1 tries of
/// <c>Stripe:RequestTimeout</c>) with the longest backoff between them (<c>Stripe:RetryBaseDelay</c> doubled each retry,
/// twice for jitter), plus a join's wait for the rate share (two <c>Posting:RateShareRefresh</c>). With the defaults
/// (10 s, 3 retries, 500 ms, 2 s) that bound is 2 min 49 s, so an attempt is taken for hung after 2 min 49 s.
/// </summary>
public static class AttemptBound
{
    /// <summary>Vendor steps one attempt may take in the worst case.</summary>
    public const int Steps = 3;

    /// <summary>The longest an attempt may run before it is taken for hung: the larger of the lease and the steps' bound.</summary>
    public static TimeSpan StallAfter(PostingOptions posting, StripeOptions stripe)
    {
        ArgumentNullException.ThrowIfNull(posting);
        ArgumentNullException.ThrowIfNull(stripe);
        var tries = stripe.MaxRetries + 1;
        var backoff = stripe.RetryBaseDelay * ((1 << tries) - 1) * 2;
        var steps = ((stripe.RequestTimeout * tries) + backoff) * Steps;
        var bound = steps + (posting.RateShareRefresh * 2);
        return bound > posting.PostingLease ? bound : posting.PostingLease;
    }
}
