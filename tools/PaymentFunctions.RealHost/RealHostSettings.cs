namespace PaymentFunctions.RealHost;

/// <summary>
/// Settings written for the local host, as the real host reads them: its own <c>LocalHost:*</c> keys and its
/// listen address are dropped, and a pump turned off (<c>LocalHost:QueuePump=false</c>) becomes the queue-triggered
/// functions disabled (<c>AzureWebJobs.{name}.Disabled</c>), as one would on Azure.
/// </summary>
public static class RealHostSettings
{
    /// <summary>The queue-triggered functions of the app.</summary>
    private static readonly string[] QueueFunctions = ["PostPayment", "ProcessBatch"];

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

        if (string.Equals(local.GetValueOrDefault("LocalHost:QueuePump"), "false", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var function in QueueFunctions)
            {
                real[$"AzureWebJobs.{function}.Disabled"] = "true";
            }
        }

        return real;
    }
}
