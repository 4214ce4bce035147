using Microsoft.Extensions.Configuration;
using PaymentFunctions.LocalHost;

namespace PaymentFunctions.Tests;

/// <summary>The local host reads timer schedules as the Functions host does (NCRONTAB, six fields, UTC).</summary>
public sealed class TimerScheduleTests
{
    private static TimerFunction Timer(string schedule) => new("Timer", typeof(TimerScheduleTests).GetMethod(nameof(Timer), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!, schedule);

    private static IConfiguration Config(string? interval = null) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["LocalHost:Timers:Timer"] = interval })
        .Build();

    private static readonly DateTime At = new(2026, 11, 29, 12, 0, 30, DateTimeKind.Utc);

    [Theory]
    [InlineData("0 */1 * * * *", "2026-11-29T12:01:00")]
    [InlineData("*/10 * * * * *", "2026-11-29T12:00:40")]
    [InlineData("0 30 9 * * 1-5", "2026-11-30T09:30:00")]
    [InlineData("0 0 0 1 * *", "2026-12-01T00:00:00")]
    public void Schedule_Ncrontab_NextOccurrence(string schedule, string expected) =>
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), TimerTriggerPump.Schedule(Timer(schedule), Config())(At));

    [Fact]
    public void Schedule_IntervalOverride_IsAlignedToWholeMultiples() =>
        Assert.Equal(At.AddMilliseconds(500), TimerTriggerPump.Schedule(Timer("0 */1 * * * *"), Config("00:00:00.500"))(At.AddMilliseconds(200)));

    [Theory]
    [InlineData("0 */1 * * *")]
    [InlineData("every minute")]
    public void Schedule_NotSixFieldNcrontab_IsRefused(string schedule) =>
        Assert.Throws<NotSupportedException>(() => TimerTriggerPump.Schedule(Timer(schedule), Config()));
}
