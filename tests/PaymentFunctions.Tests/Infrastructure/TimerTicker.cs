using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PaymentIntake.Operations;
using PaymentIntake.Posting.Circuit;
using PaymentIntake.Reconciliation;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>
/// On the real host the timers keep their schedules from the attributes (every minute), which a test cannot wait for;
/// this runs the same work at the intervals the test asked the local host for (<c>LocalHost:Timers:{name}</c>), from
/// this process, as another instance of the app would. The host's own timers still run; each minute's work is
/// idempotent across instances.
/// </summary>
internal sealed class TimerTicker : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private TimerTicker()
    {
    }

    public static TimerTicker Start(IServiceProvider core, IReadOnlyDictionary<string, string?> settings)
    {
        var ticker = new TimerTicker();
        ticker.Every(settings, "ReconcilePayments", token => core.GetRequiredService<PaymentReconciler>().RunAsync(token));
        ticker.Every(settings, "ProbeVendor", token => core.GetRequiredService<VendorProbe>().ProbeAsync(token));
        ticker.Every(settings, "RecordPoison", token => core.GetRequiredService<PoisonQueueSweep>().SweepAsync(token));
        return ticker;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var loop in _loops)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private void Every(IReadOnlyDictionary<string, string?> settings, string function, Func<CancellationToken, Task> work)
    {
        if (string.Equals(settings.GetValueOrDefault("LocalHost:TimerTriggers"), "false", StringComparison.OrdinalIgnoreCase)
            || settings.GetValueOrDefault($"LocalHost:Timers:{function}") is not { Length: > 0 } text)
        {
            return;
        }

        var interval = TimeSpan.Parse(text, CultureInfo.InvariantCulture);
        var token = _stop.Token;
        _loops.Add(Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(token))
            {
                try
                {
                    await work(token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // As on a host: a failed run is logged there and the next occurrence runs; the scenario sees the effect.
                }
            }
        }, token));
    }
}
