using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PaymentIntake.Configuration;
using PaymentIntake.Posting.Vendor;

namespace PaymentIntake.Tests.Posting.Vendor;

/// <summary>After a 429 an instance sends less for a while: halved per 429, down to an eighth, back after a quiet spell.</summary>
public sealed class VendorPacerTests
{
    private static VendorPacer Pacer(TimeProvider time, string apiKey = "sk_test_x", PostingOptions? posting = null) =>
        new(shares: null!, Options.Create(new StripeOptions { ApiKey = apiKey }), Options.Create(posting ?? new PostingOptions()), time); // the factor does not read the shares

    [Fact]
    public void SlowDown_HalvesPerThrottle_DownToTheMinimum_AndRecoversAfterTheQuietTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero));
        var pacer = Pacer(time);

        var factors = new List<double> { pacer.Factor };
        for (var i = 0; i < 4; i++)
        {
            pacer.SlowDown();
            factors.Add(pacer.Factor);
        }

        time.Advance(VendorPacer.SlowDownTime - TimeSpan.FromMilliseconds(1));
        factors.Add(pacer.Factor);
        time.Advance(TimeSpan.FromMilliseconds(1));
        factors.Add(pacer.Factor);

        Assert.Equal([1, 0.5, 0.25, 0.125, 0.125, 0.125, 1], factors);
    }

    [Fact]
    public void SlowDown_AfterRecovering_StartsAgainFromHalf()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero));
        var pacer = Pacer(time);
        pacer.SlowDown();
        pacer.SlowDown();
        time.Advance(VendorPacer.SlowDownTime);

        pacer.SlowDown();

        Assert.Equal(0.5, pacer.Factor);
    }

    [Theory]
    [InlineData("sk_test_x", 23.75)]
    [InlineData("rk_test_x", 23.75)]
    [InlineData("sk_live_x", 95)]
    [InlineData("rk_live_x", 95)]
    public void Limits_FollowTheKeysMode_At95PercentOfStripes(string apiKey, double global)
    {
        var limits = Pacer(TimeProvider.System, apiKey).Limits;

        Assert.Equal(new StripeRateLimits(global, 23.75, 19), limits);
        Assert.Equal(19, limits.For(StripeEndpoint.SearchIntents));
        Assert.Equal(23.75, limits.For(StripeEndpoint.ConfirmIntent));
    }

    [Fact]
    public void Limits_WhenConfigured_AreTheConfiguredOnes_AndSearchNeverExceedsAnEndpoint()
    {
        Assert.Equal(new StripeRateLimits(300, 120, 19), Pacer(TimeProvider.System, posting: new PostingOptions { VendorRatePerSecond = 300, VendorEndpointRatePerSecond = 120 }).Limits);
        Assert.Equal(new StripeRateLimits(23.75, 10, 10), Pacer(TimeProvider.System, posting: new PostingOptions { VendorEndpointRatePerSecond = 10 }).Limits);
    }
}
