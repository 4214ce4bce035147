using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.WorkerService;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PaymentIntake;
using PaymentIntake.Operations;
using PaymentIntake.Posting.Circuit;

namespace PaymentFunctions.Tests;

/// <summary>
/// What our events look like on the way out of the worker to Application Insights (the real SDK, with a capturing
/// channel instead of the network), and that every field the alert queries in monitoring.bicep read is one of them.
/// </summary>
public sealed partial class TelemetryTests
{
    [Fact]
    public async Task VendorStateChanged_LeavesTheWorker_WithItsIdNameAndFields()
    {
        var traces = await EmitAsync(logger => CircuitLog.VendorStateChanged(logger, "up", "down", new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero)));

        var trace = Assert.Single(traces, t => Name(t) == nameof(EventIds.VendorStateChanged));
        Assert.Equal("5001", trace.Properties["EventId"]);
        Assert.Equal("up", trace.Properties["OldState"]);
        Assert.Equal("down", trace.Properties["NewState"]);
        Assert.Equal(SeverityLevel.Warning, trace.SeverityLevel);
        Assert.StartsWith("Vendor state changed from up to down", trace.Message, StringComparison.Ordinal);
        Assert.Equal("PaymentIntake.Posting.Circuit.VendorCircuitStore", trace.Properties["CategoryName"]);
    }

    [Fact]
    public async Task InformationEvents_AreSent_NotOnlyWarnings()
    {
        var traces = await EmitAsync(logger => OperationsSnapshot.Snapshot(logger, "up", 12.5, 3, 0, 0));

        var trace = Assert.Single(traces, t => Name(t) == nameof(EventIds.OperationsSnapshot));
        Assert.Equal(SeverityLevel.Information, trace.SeverityLevel);
        Assert.Equal("12.5", trace.Properties["OldestUnpostedSeconds"]);
    }

    [Fact]
    public async Task AlertQueries_ReadOnlyEventNamesAndFieldsTheWorkerEmits()
    {
        var traces = await EmitAsync(logger =>
        {
            CircuitLog.VendorStateChanged(logger, "up", "down", null);
            CircuitLog.ProbeFailed(logger, "vendor unreachable");
            CircuitLog.VendorMisconfigured(logger, 403, "the key lacks rak_balance_read");
            OperationsSnapshot.Snapshot(logger, "down", 1800, 40, 2, 1);
            PaymentIntake.Reconciliation.Books.ReconciliationLog.Finished(logger, "daily_2026-12-06", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), 10, 1, 1, 0);
            PaymentIntake.Reconciliation.Books.ReconciliationLog.Failed(logger, "daily_2026-12-06", 1, "Stripe answered 500");
        });
        var emittedNames = traces.Select(t => Name(t)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var emittedFields = traces.SelectMany(t => t.Properties.Keys).ToHashSet(StringComparer.Ordinal);

        var bicep = File.ReadAllText(Path.Combine(InfraTests.RepositoryRoot, "infra", "modules", "monitoring.bicep"));
        var fields = CustomDimension().Matches(bicep).Select(m => m.Groups[1].Value).Where(f => !f.StartsWith("prop__", StringComparison.Ordinal)).Distinct().ToList();
        var names = EventNameLiteral().Matches(bicep).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.True(fields.Count >= 5, $"only {fields.Count} fields found in the alert queries");
        Assert.True(names.Count >= 3, $"only {names.Count} event names found in the alert queries");
        Assert.All(fields, f => Assert.Contains(f, emittedFields));
        Assert.All(names, n => Assert.Contains(n, emittedNames));
        Assert.All(fields.Where(f => f is not "EventName" and not "EventId"), f => Assert.Contains($"customDimensions.prop__{f}", bicep, StringComparison.Ordinal));
    }

    /// <summary>The SDK samples adaptively unless told not to; no sampling processor may stand between our events and the channel.</summary>
    [Fact]
    public async Task Telemetry_IsNeverSampled()
    {
        var processors = new List<string>();
        await EmitAsync(_ => { }, provider => processors.AddRange(
            provider.GetRequiredService<Microsoft.ApplicationInsights.Extensibility.TelemetryConfiguration>().DefaultTelemetrySink.TelemetryProcessors.Select(p => p.GetType().Name)));

        Assert.NotEmpty(processors);
        Assert.DoesNotContain(processors, name => name.Contains("Sampling", StringComparison.Ordinal));
    }

    private static string? Name(TraceTelemetry trace) => trace.Properties.TryGetValue("EventName", out var name) ? name : null;

    private static async Task<List<TraceTelemetry>> EmitAsync(Action<ILogger> log, Action<IServiceProvider>? inspect = null)
    {
        var channel = new CapturingChannel();
        var services = new ServiceCollection();
        services.AddSingleton<ITelemetryChannel>(channel);
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Information));
        services.AddPaymentTelemetry();
        services.Configure<ApplicationInsightsServiceOptions>(o => o.ConnectionString = "InstrumentationKey=11111111-1111-1111-1111-111111111111;IngestionEndpoint=http://127.0.0.1:9/");
        await using (var provider = services.BuildServiceProvider())
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("PaymentIntake.Posting.Circuit.VendorCircuitStore");
            log(logger);
            provider.GetRequiredService<TelemetryClient>().Flush();
            inspect?.Invoke(provider);
        }

        return channel.Items.OfType<TraceTelemetry>().ToList();
    }

    [GeneratedRegex(@"customDimensions\.(\w+)")]
    private static partial Regex CustomDimension();

    [GeneratedRegex(@"EventName\) == ""(\w+)""")]
    private static partial Regex EventNameLiteral();

    private sealed class CapturingChannel : ITelemetryChannel
    {
        public ConcurrentQueue<ITelemetry> Items { get; } = new();

        public bool? DeveloperMode { get; set; }

        public string EndpointAddress { get; set; } = "";

        public void Send(ITelemetry item) => Items.Enqueue(item);

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
