using PaymentIntake.Posting;

namespace PaymentIntake.Tests;

public sealed class RetryScheduleTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(5, 480)]
    [InlineData(6, 600)]
    [InlineData(40, 600)]
    public void DelayAfter_NoJitterDraw_DoublesUpToCap(int attempts, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetrySchedule.DelayAfter(attempts, Base, Cap, random01: 1));

    [Fact]
    public void DelayAfter_LowestJitterDraw_IsHalf() =>
        Assert.Equal(TimeSpan.FromSeconds(60), RetrySchedule.DelayAfter(3, Base, Cap, random01: 0));

    [Fact]
    public void DelayAfter_AnyDraw_NeverExceedsCap()
    {
        for (var attempts = 1; attempts < 100; attempts++)
        {
            Assert.InRange(RetrySchedule.DelayAfter(attempts, Base, Cap, random01: 0.999), TimeSpan.Zero, Cap);
        }
    }
}
