using System.Globalization;
using NCrontab;

namespace PaymentFunctions.LocalHost;

/// <summary>
/// Runs one timer-triggered function at the occurrences of its NCRONTAB schedule (six fields, seconds first, UTC, as
/// the Functions host reads it, parsed by NCrontab), or every <c>LocalHost:Timers:{name}</c> (a TimeSpan, occurrences
/// aligned to whole multiples of it). Each occurrence runs once across every local host on the storage account
/// (<see cref="TimerRunClaims"/>). An invalid schedule is refused at start.
/// </summary>
internal sealed partial class TimerTriggerPump(
    TimerFunction function,
    IServiceProvider services,
    IConfiguration configuration,
    TimerRunClaims claims,
    TimeProvider time,
    ILogger<TimerTriggerPump> logger) : BackgroundService
{
    /// <summary>The function's next occurrence after a UTC time.</summary>
    public static Func<DateTime, DateTime> Schedule(TimerFunction function, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[$"{LocalHostOptions.Section}:Timers:{function.Name}"] is { Length: > 0 } configured)
        {
            var interval = TimeSpan.Parse(configured, CultureInfo.InvariantCulture);
            if (interval <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{LocalHostOptions.Section}:Timers:{function.Name} must be a positive interval.");
            }

            return after => new DateTime(((after.Ticks / interval.Ticks) + 1) * interval.Ticks, DateTimeKind.Utc);
        }

        var schedule = CrontabSchedule.TryParse(function.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
            ?? throw new NotSupportedException($"The schedule '{function.Schedule}' of {function.Name} is not an NCRONTAB expression with six fields (seconds first).");
        return after => DateTime.SpecifyKind(schedule.GetNextOccurrence(after), DateTimeKind.Utc);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = Schedule(function, configuration);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var occurrence = next(time.GetUtcNow().UtcDateTime);
                var wait = occurrence - time.GetUtcNow().UtcDateTime;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                }

                try
                {
                    if (await claims.TryClaimAsync(function.Name, occurrence, stoppingToken).ConfigureAwait(false))
                    {
                        await FunctionInvoker.InvokeAsync(services, function.Method, FunctionInvoker.TimerBinder(stoppingToken)).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed run is logged; the next occurrence runs again, as under the Functions host.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.TimerFailed(logger, ex, function.Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9100, Level = LogLevel.Error, Message = "Timer function {Function} failed")]
        public static partial void TimerFailed(ILogger logger, Exception exception, string function);
    }
}
