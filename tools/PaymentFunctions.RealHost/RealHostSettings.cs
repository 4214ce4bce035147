namespace PaymentFunctions.RealHost;

/// <summary>
/// Settings written for the local host, as the real host reads them: its own <c>LocalHost:*</c> keys and its
/// listen address are dropped, and a pump turned off (<c>LocalHost:QueuePump=false</c>) becomes the queue-triggered
/// functions disabled (<c>AzureWebJobs.{name}.Disabled</c>), as one would on Azure; timers turned off
/// (<c>LocalHost:TimerTriggers=false</c>) become the timer-triggered functions disabled, so a test that runs the
/// reconciler by hand never races the host's own minute.
/// </summary>
public static class RealHostSettings
{
    /// <summary>The queue-triggered functions of the app.</summary>
    private static readonly string[] QueueFunctions = ["PostPayment", "ProcessBatch", "RunReconciliation"];

    /// <summary>The timer-triggered functions of the app.</summary>
    private static readonly string[] TimerFunctions = ["ReconcilePayments", "ReportOperations", "RecordPoison", "ProbeVendor", "TakeOverClaims", "ScheduleReconciliation"];

    /// <summary>The real host's settings for <paramref name="local"/>.</summary>
    public static Dictionary<string, string?> From(IReadOnlyDictionary<string, string?> local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var real = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in local)
        {
            if (key != "urls" && !key.StartsWith("LocalHost:", StringComparison.Ordinal))
            {
                real[key] = value;
            }
        }

        Disable(real, local, "LocalHost:QueuePump", QueueFunctions);
        Disable(real, local, "LocalHost:TimerTriggers", TimerFunctions);
        return real;
    }

    private static void Disable(Dictionary<string, string?> real, IReadOnlyDictionary<string, string?> local, string switchKey, string[] functions)
    {
        if (string.Equals(local.GetValueOrDefault(switchKey), "false", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var function in functions)
            {
                real[$"AzureWebJobs.{function}.Disabled"] = "true";
            }
        }
    }
}
