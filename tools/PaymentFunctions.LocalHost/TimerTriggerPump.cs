using System.Globalization;
using System.Text.RegularExpressions;

namespace PaymentFunctions.LocalHost;

/// <summary>
/// Runs one timer-triggered function at a fixed interval: from <c>LocalHost:Timers:{name}</c> (a TimeSpan) if set,
/// else from the attribute's NCRONTAB schedule in one of the forms <c>0 */N * * * *</c> (every N minutes) or
/// <c>*/N * * * * *</c> (every N seconds). Other schedules are refused at start.
/// </summary>
internal sealed partial class TimerTriggerPump(
    TimerFunction function,
    IServiceProvider services,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<TimerTriggerPump> logger) : BackgroundService
{
    public static TimeSpan Interval(TimerFunction function, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[$"{LocalHostOptions.Section}:Timers:{function.Name}"] is { Length: > 0 } configured)
        {
            return TimeSpan.Parse(configured, CultureInfo.InvariantCulture);
        }

        if (EveryNMinutes().Match(function.Schedule) is { Success: true } minutes)
        {
            return TimeSpan.FromMinutes(int.Parse(minutes.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        if (EveryNSeconds().Match(function.Schedule) is { Success: true } seconds)
        {
            return TimeSpan.FromSeconds(int.Parse(seconds.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        throw new NotSupportedException($"The local host cannot run schedule '{function.Schedule}' of {function.Name}; set {LocalHostOptions.Section}:Timers:{function.Name} to an interval.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval(function, configuration), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await FunctionInvoker.InvokeAsync(services, function.Method, FunctionInvoker.TimerBinder(stoppingToken)).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed run is logged; the next tick runs again, as under the Functions host.
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

    [GeneratedRegex(@"^0 \*/(\d+) \* \* \* \*$")]
    private static partial Regex EveryNMinutes();

    [GeneratedRegex(@"^\*/(\d+) \* \* \* \* \*$")]
    private static partial Regex EveryNSeconds();

    private static partial class Log
    {
        [LoggerMessage(EventId = 9100, Level = LogLevel.Error, Message = "Timer function {Function} failed")]
        public static partial void TimerFailed(ILogger logger, Exception exception, string function);
    }
}
