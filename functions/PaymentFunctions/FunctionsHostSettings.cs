using Microsoft.Extensions.Configuration;
using PaymentIntake.Configuration;

namespace PaymentFunctions;

/// <summary>Settings that only the local host can honour, refused at start under the Functions host.</summary>
public static class FunctionsHostSettings
{
    /// <summary>
    /// Refuses <c>PaymentIntake:NamePrefix</c>: the Functions host binds the queue triggers to the fixed names in their
    /// attributes (<c>payments</c>, <c>batches</c>), so a prefix would move where intake writes but not where the
    /// triggers read — posting would silently stop.
    /// </summary>
    public static void RefuseLocalOnly(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[$"{PaymentIntakeOptions.Section}:NamePrefix"] is { Length: > 0 } prefix)
        {
            throw new InvalidOperationException(
                $"PaymentIntake:NamePrefix ('{prefix}') is for the local host and tests only: under the Functions host the queue triggers read the unprefixed queues, so posting would stop. Remove the setting.");
        }
    }
}
