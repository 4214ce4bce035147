namespace PaymentFunctions.LocalHost;

/// <summary>The host.json settings the local host honours, with the Functions host's defaults.</summary>
/// <param name="RoutePrefix">extensions.http.routePrefix (default <c>api</c>).</param>
/// <param name="BatchSize">extensions.queues.batchSize (default 16).</param>
/// <param name="NewBatchThreshold">extensions.queues.newBatchThreshold (default batchSize / 2).</param>
/// <param name="MaxDequeueCount">extensions.queues.maxDequeueCount (default 5).</param>
/// <param name="VisibilityTimeout">extensions.queues.visibilityTimeout: delay before a failed message is tried again (default 0).</param>
/// <param name="MaxPollingInterval">extensions.queues.maxPollingInterval (default 1 minute).</param>
/// <param name="Base64Messages">extensions.queues.messageEncoding is base64 (the default).</param>
public sealed record HostSettings(
    string RoutePrefix,
    int BatchSize,
    int NewBatchThreshold,
    int MaxDequeueCount,
    TimeSpan VisibilityTimeout,
    TimeSpan MaxPollingInterval,
    bool Base64Messages)
{
    /// <summary>
    /// Reads <paramref name="hostJsonPath"/>, then applies overrides from <paramref name="configuration"/> under
    /// <c>AzureFunctionsJobHost</c> (as app settings <c>AzureFunctionsJobHost__extensions__queues__maxDequeueCount</c> do in Azure).
    /// </summary>
    public static HostSettings Read(string hostJsonPath, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var merged = new ConfigurationBuilder()
            .AddJsonFile(hostJsonPath, optional: false)
            .AddConfiguration(configuration.GetSection("AzureFunctionsJobHost"))
            .Build();
        var queues = merged.GetSection("extensions:queues");
        var batchSize = queues.GetValue("batchSize", 16);
        return new HostSettings(
            merged.GetValue("extensions:http:routePrefix", "api")!,
            batchSize,
            queues.GetValue("newBatchThreshold", batchSize / 2),
            queues.GetValue("maxDequeueCount", 5),
            queues.GetValue("visibilityTimeout", TimeSpan.Zero),
            queues.GetValue("maxPollingInterval", TimeSpan.FromMinutes(1)),
            !string.Equals(queues["messageEncoding"], "none", StringComparison.OrdinalIgnoreCase));
    }
}
