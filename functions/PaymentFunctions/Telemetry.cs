using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PaymentFunctions;

/// <summary>
/// Worker-side Application Insights. Without it, the worker's logs reach Application Insights only through the
/// Functions host, which re-logs each one with event id 0 (the field alerts would match on is then absent) and puts
/// the message's fields under <c>prop__</c>. Sent from the worker, each trace keeps <c>EventId</c>,
/// <c>EventName</c> and every message field by its own name in <c>customDimensions</c> (a test shows the vendor-state
/// event on the way out). Information and above are sent (the SDK's default filter would keep only warnings), and
/// none is sampled away: the SDK's adaptive sampling (5 items/s per instance by default, traces included) would drop
/// the very events the alerts count — a <c>VendorStateChanged</c> logged on the busiest instance, in the busiest
/// minute. Volume is bounded instead by the log levels and the workspace's daily cap.
/// </summary>
public static class Telemetry
{
    /// <summary>The logger provider the Application Insights SDK registers (its default rule is removed).</summary>
    public const string ProviderName = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>Adds worker-side Application Insights (reads <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>).</summary>
    public static IServiceCollection AddPaymentTelemetry(this IServiceCollection services)
    {
        services.AddApplicationInsightsTelemetryWorkerService();
        services.Configure<Microsoft.ApplicationInsights.WorkerService.ApplicationInsightsServiceOptions>(options => options.EnableAdaptiveSampling = false);
        services.ConfigureFunctionsApplicationInsights();
        services.Configure<LoggerFilterOptions>(options =>
        {
            var warningsOnly = options.Rules.FirstOrDefault(rule => rule.ProviderName == ProviderName);
            if (warningsOnly is not null)
            {
                options.Rules.Remove(warningsOnly);
            }
        });
        return services;
    }
}
