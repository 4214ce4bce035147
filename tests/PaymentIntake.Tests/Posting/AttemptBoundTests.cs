using PaymentIntake.Configuration;
using PaymentIntake.Posting;

namespace PaymentIntake.Tests;

public sealed class AttemptBoundTests
{
    [Fact]
    public void StallAfter_Defaults_IsTheStepsBound_2Min49s()
    {
        // 3 steps × (4 tries × 10 s + 0.5 s × 15 × 2 backoff) + 2 × 2 s = 169 s, longer than the 2-minute lease.
        Assert.Equal(TimeSpan.FromSeconds(169), AttemptBound.StallAfter(new PostingOptions(), new StripeOptions()));
    }

    [Fact]
    public void StallAfter_ALeaseLongerThanAnyAttempt_IsTheLease()
    {
        var posting = new PostingOptions { PostingLease = TimeSpan.FromMinutes(10) };

        Assert.Equal(TimeSpan.FromMinutes(10), AttemptBound.StallAfter(posting, new StripeOptions()));
    }

    [Fact]
    public void StallAfter_NoRetries_CountsOneTryAndOneBackoffPerStep()
    {
        var stripe = new StripeOptions { MaxRetries = 0, RequestTimeout = TimeSpan.FromMilliseconds(100) };
        var posting = new PostingOptions { PostingLease = TimeSpan.FromSeconds(1), RateShareRefresh = TimeSpan.FromMilliseconds(200) };

        Assert.Equal(TimeSpan.FromSeconds(3.7), AttemptBound.StallAfter(posting, stripe));
    }
}
