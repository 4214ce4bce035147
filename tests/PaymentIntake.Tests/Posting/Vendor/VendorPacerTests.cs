using Microsoft.Extensions.Time.Testing;
using PaymentIntake.Posting.Vendor;

namespace PaymentIntake.Tests.Posting.Vendor;

/// <summary>After a 429 an instance sends less for a while: halved per 429, down to an eighth, back after a quiet spell.</summary>
public sealed class VendorPacerTests
{
    [Fact]
    public void SlowDown_HalvesPerThrottle_DownToTheMinimum_AndRecoversAfterTheQuietTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero));
        using var pacer = new VendorPacer(shares: null!, time); // the factor does not read the shares

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
        using var pacer = new VendorPacer(shares: null!, time);
        pacer.SlowDown();
        pacer.SlowDown();
        time.Advance(VendorPacer.SlowDownTime);

        pacer.SlowDown();

        Assert.Equal(0.5, pacer.Factor);
    }
}
