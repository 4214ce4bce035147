using PaymentIntake.Posting.Takeover;
using PaymentIntake.Posting.Vendor;

namespace PaymentIntake.Tests;

public sealed class VendorRateSharesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    private static Heartbeat Beat(string instance, double joinedSecondsAgo, double seenSecondsAgo = 0, bool idle = false) =>
        new(instance, Now.AddSeconds(-joinedSecondsAgo), Now.AddSeconds(-seenSecondsAgo), Idle: idle);

    [Fact]
    public void ShareOf_AloneAndWarm_IsTheWholeRate() =>
        Assert.Equal(80, VendorRateShares.ShareOf(80, [Beat("a", 10)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_Joining_IsZeroUntilEveryoneCountedIt() =>
        Assert.Equal(0, VendorRateShares.ShareOf(80, [Beat("a", 3.9), Beat("b", 60)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_OthersJoining_AreCountedAtOnce() =>
        Assert.Equal(40, VendorRateShares.ShareOf(80, [Beat("a", 60), Beat("b", 0)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_ThreeWarmInstances_SplitTheRate()
    {
        var beats = new[] { Beat("a", 60, 1), Beat("b", 60, 0.5), Beat("c", 60) };

        var total = beats.Sum(b => VendorRateShares.ShareOf(90, beats, b.Instance, Now, Refresh));

        Assert.Equal(90, total, precision: 6);
    }

    [Fact]
    public void ShareOf_AnInstanceSilentForThreePeriods_IsNoLongerCounted() =>
        Assert.Equal(80, VendorRateShares.ShareOf(80, [Beat("a", 60), Beat("gone", 600, 6)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_NotRegisteredYet_IsZero() =>
        Assert.Equal(0, VendorRateShares.ShareOf(80, [Beat("b", 60)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_ShortRefresh_KeepsHeartbeatsForAtLeastThreeSeconds() =>
        Assert.Equal(40, VendorRateShares.ShareOf(80, [Beat("a", 60), Beat("slow", 60, 2.5)], "a", Now, TimeSpan.FromMilliseconds(200)));

    [Fact]
    public void ShareOf_JoiningAlone_IsTheWholeRateAtOnce() =>
        Assert.Equal(80, VendorRateShares.ShareOf(80, [Beat("a", 0.1)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_AnIdleInstance_IsNotCounted() =>
        Assert.Equal(80, VendorRateShares.ShareOf(80, [Beat("a", 60), Beat("idle", 60, 0.5, idle: true)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_JoiningWhileTheOthersAreIdle_IsTheWholeRateAtOnce() =>
        Assert.Equal(80, VendorRateShares.ShareOf(80, [Beat("a", 0.1), Beat("b", 60, 0, idle: true), Beat("c", 60, 1, idle: true)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_OfAnInstanceItselfIdle_IsZero() =>
        Assert.Equal(0, VendorRateShares.ShareOf(80, [Beat("a", 60, 0, idle: true)], "a", Now, Refresh));

    [Fact]
    public void ShareOf_TwoSendersAndOneIdle_SplitTheWholeRateBetweenTheSenders()
    {
        var beats = new[] { Beat("a", 60), Beat("b", 60, 1), Beat("idle", 60, 0.2, idle: true) };

        Assert.Equal([45.0, 45.0], beats.Where(b => !b.Idle).Select(b => VendorRateShares.ShareOf(90, beats, b.Instance, Now, Refresh)));
    }
}
