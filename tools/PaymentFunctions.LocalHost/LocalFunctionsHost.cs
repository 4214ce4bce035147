using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using StripeEmulator;

namespace PaymentFunctions.LocalHost;

/// <summary>
/// Runs the function classes of the PaymentFunctions app without the Azure Functions host: HTTP routes from the
/// trigger attributes, queue triggers pumped with host.json semantics. Starts Azurite when no storage is configured
/// and the Stripe emulator when no Stripe key is configured, and stops what it started.
/// </summary>
public sealed class LocalFunctionsHost : IAsyncDisposable
{
    /// <summary>The API key the local host gives the in-process Stripe emulator.</summary>
    public const string EmulatorApiKey = "sk_test_local_emulator";

    private readonly List<IAsyncDisposable> _owned;

    private LocalFunctionsHost(WebApplication app, List<IAsyncDisposable> owned, StripeEmulatorServer? emulator)
    {
        App = app;
        _owned = owned;
        Emulator = emulator;
    }

    /// <summary>The running web application.</summary>
    public WebApplication App { get; }

    /// <summary>The in-process Stripe emulator, if this host started one.</summary>
    public StripeEmulatorServer? Emulator { get; }

    /// <summary>The base URL the host listens on, e.g. <c>http://127.0.0.1:7071</c>.</summary>
    public Uri BaseUrl => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The keys callers must send.</summary>
    public LocalHostOptions Keys => App.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value;

    /// <summary>The storage connection string in use.</summary>
    public string StorageConnectionString => App.Services.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString;

    /// <summary>
    /// Builds and starts the host. <paramref name="settings"/> are applied last (tests use them for fresh names,
    /// time-compressed host.json values and their own Azurite and emulator).
    /// </summary>
    public static async Task<LocalFunctionsHost> StartAsync(string[] args, IReadOnlyDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var settingsFile = settings?.GetValueOrDefault("LocalHost:SettingsFile") ?? builder.Configuration["LocalHost:SettingsFile"];
        if (LocalSettingsFile.Find(settingsFile, Directory.GetCurrentDirectory()) is { } localSettings)
        {
            // Under environment variables and arguments, as func start's Values are under what the process was given.
            builder.Configuration.AddInMemoryCollection(LocalSettingsFile.Read(localSettings));
            builder.Configuration.AddEnvironmentVariables();
            builder.Configuration.AddCommandLine(args);
            builder.Configuration["LocalHost:SettingsFileRead"] = localSettings;
        }

        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071");
        }

        var owned = new List<IAsyncDisposable>();
        StripeEmulatorServer? emulator = null;
        try
        {
            if (string.IsNullOrEmpty(builder.Configuration[StorageOptions.ConnectionSetting]))
            {
                var azurite = await AzuriteProcess.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                owned.Add(azurite);
                builder.Configuration[StorageOptions.ConnectionSetting] = azurite.ConnectionString;
            }

            if (builder.Configuration[LocalSettingsFile.EmbeddedStripeUrlSetting] is { Length: > 0 } stripeUrl)
            {
                // local.settings.json points Stripe at the loopback address func start's emulator would use: serve it.
                emulator = await StripeEmulatorServer.StartAsync(stripeUrl, cancellationToken: cancellationToken).ConfigureAwait(false);
                owned.Add(emulator);
                if (builder.Configuration["Stripe:WebhookSecret"] is { Length: > 0 } secret)
                {
                    emulator.State.WebhookSecret = secret;
                }

                builder.Configuration["Stripe:WebhookSecret"] = emulator.State.WebhookSecret;
            }
            else if (string.IsNullOrEmpty(builder.Configuration["Stripe:ApiKey"]))
            {
                emulator = await StripeEmulatorServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                owned.Add(emulator);
                builder.Configuration["Stripe:ApiKey"] = EmulatorApiKey;
                builder.Configuration["Stripe:ApiBase"] = emulator.BaseUrl.ToString();
                builder.Configuration["Stripe:WebhookSecret"] = emulator.State.WebhookSecret;
                // 3-D Secure answers with a redirect only when a return_url is sent; locally nothing serves it.
                builder.Configuration["Stripe:ReturnUrl"] ??= "http://127.0.0.1/payments/return";
            }

            // Payment ids are HMACs with a secret; locally a fixed development secret (never use it in Azure).
            builder.Configuration["PaymentIntake:IdSecret"] ??= "local-development-payment-id-secret-not-for-azure";
            // The local host names every caller by its key and drops any principal a client sent, as App Service
            // Authentication does on Azure, which App Service then announces so (what the console's API requires).
            builder.Configuration[PaymentFunctions.OpsConsole.ConsoleGate.PlatformSignInSetting] ??= "True";
            var hostSettings = HostSettings.Read(Path.Combine(AppContext.BaseDirectory, "host.json"), builder.Configuration);
            // AzureWebJobs.<name>.Disabled=true disables a function, as under the Functions host.
            var catalog = FunctionCatalog.From(typeof(CompositionRoot).Assembly)
                .Without(name => builder.Configuration.GetValue($"AzureWebJobs.{name}.Disabled", false));
            builder.Services.AddPaymentFunctions(builder.Configuration);
            builder.Services.AddMvcCore();
            builder.Services.AddOptions<LocalHostOptions>().Bind(builder.Configuration.GetSection(LocalHostOptions.Section));
            if (builder.Configuration.GetValue($"{LocalHostOptions.Section}:QueuePump", true))
            {
                foreach (var queueFunction in catalog.Queues)
                {
                    builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueTriggerPump>(sp, queueFunction, hostSettings));
                }
            }

            if (builder.Configuration.GetValue($"{LocalHostOptions.Section}:TimerTriggers", true))
            {
                builder.Services.AddSingleton<TimerRunClaims>();
                foreach (var timerFunction in catalog.Timers)
                {
                    _ = TimerTriggerPump.Schedule(timerFunction, builder.Configuration); // refuse invalid schedules at start
                    builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerTriggerPump>(sp, timerFunction));
                }
            }

            var app = builder.Build();
            HttpFunctionEndpoints.Map(app, catalog, hostSettings);
            // The API's description, for front-end teams generating a client (not a function: Azure does not serve it).
            app.MapGet($"/{hostSettings.RoutePrefix}/openapi.yaml", () => Results.File(Path.Combine(AppContext.BaseDirectory, "openapi.yaml"), "application/yaml"));
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var host = new LocalFunctionsHost(app, owned, emulator);
            if (emulator is not null)
            {
                emulator.State.WebhookUrl = new Uri(host.BaseUrl, $"{hostSettings.RoutePrefix}/webhooks/stripe");
            }

            return host;
        }
        catch
        {
            foreach (var item in owned)
            {
                await item.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// The nearest this in-process host comes to a killed process: the instance's heartbeat stops writing at once
    /// (what it was posting stays named, for the others to take over), then the host stops without waiting for
    /// anything in flight (every function's token is canceled; a request already sent to storage may still land, as a
    /// killed process's may). Messages it had received become visible again when their lease ends.
    /// </summary>
    public async Task CrashAsync()
    {
        App.Services.GetRequiredService<PaymentIntake.Posting.Takeover.InstanceHeartbeat>().Dispose();
        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        await App.StopAsync(now.Token).ConfigureAwait(false);
    }

    /// <summary>Stops the host, then Azurite and the emulator if it started them.</summary>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        foreach (var item in _owned)
        {
            await item.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Prints where to reach the host and which keys to use.</summary>
    public void PrintBanner(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"PaymentFunctions local host listening on {BaseUrl}");
        if (App.Configuration["LocalHost:SettingsFileRead"] is { } file)
        {
            output.WriteLine($"  settings: Values of {file} (environment variables and arguments win)");
        }

        foreach (var (name, caller) in Keys.Callers.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  key {caller.Key,-20} (x-functions-key) caller {name}, roles {string.Join(", ", caller.Roles)}");
        }

        output.WriteLine($"  admin (master) key {Keys.AdminKey}: passes key gates, carries no role");
        output.WriteLine(Emulator is null ? "  vendor: Stripe API as configured" : $"  vendor: in-process Stripe emulator at {Emulator.BaseUrl} (ledger: {Emulator.BaseUrl}_emulator/ledger)");
        output.WriteLine($"  try: curl -s {BaseUrl}api/health");
        output.WriteLine("Press Ctrl+C to stop.");
    }
}
