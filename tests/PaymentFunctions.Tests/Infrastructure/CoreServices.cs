using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using StripeEmulator;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>
/// The core's services for one test, wired by the app's composition root, without a host, HTTP or pumps: a service
/// under test is called directly. The boundaries are the only stand-ins: storage is the shared Azurite (fresh names),
/// the vendor a Stripe emulator of the test's own, reached by Stripe.net over HTTP; a test may watch or change each
/// vendor request (<c>onVendorRequest</c>) and set the clock.
/// </summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private CoreServices(ServiceProvider provider, StripeEmulatorServer emulator, string storage, string prefix)
    {
        _provider = provider;
        Emulator = emulator;
        Storage = storage;
        Prefix = prefix;
    }

    public StripeEmulatorServer Emulator { get; }

    public string Storage { get; }

    public string Prefix { get; }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>The core's settings for storage <paramref name="storage"/> under names starting with <paramref name="prefix"/> and vendor <paramref name="emulator"/>.</summary>
    public static Dictionary<string, string?> Settings(string storage, StripeEmulatorServer emulator, string prefix) => new()
    {
        ["AzureWebJobsStorage"] = storage,
        ["Stripe:ApiKey"] = "sk_test_core",
        ["Stripe:ApiBase"] = emulator.BaseUrl.ToString(),
        ["Stripe:WebhookSecret"] = emulator.State.WebhookSecret,
        ["Stripe:MaxRetries"] = "0",
        ["PaymentIntake:NamePrefix"] = prefix,
        ["PaymentIntake:IdSecret"] = "test-payment-id-secret-of-at-least-32-characters",
        // Azurite on a shared 2-core runner can stall for seconds under load (a drain, hundreds of payments at once):
        // waits on it are not what these tests are about. The storage budget's own scenarios set small ones.
        ["PaymentIntake:StorageTimeout"] = "00:00:30",
        ["PaymentIntake:StorageTryTimeout"] = "00:00:10",
        ["Posting:VendorRatePerSecond"] = "80",
        ["Posting:VendorEndpointRatePerSecond"] = "80",
        ["Posting:RateShareRefresh"] = "00:00:00.200",
        ["Posting:PostingLease"] = "00:00:05",
    };

    public static async Task<CoreServices> StartAsync(
        AzuriteFixture azurite,
        IReadOnlyDictionary<string, string?>? overrides = null,
        TimeProvider? time = null,
        Func<HttpRequestMessage, Task>? onVendorRequest = null)
    {
        var emulator = await StripeEmulatorServer.StartAsync();
        emulator.State.Limits.Lift(); // as Stripe raises an account's limits on request: these tests are about other things
        var prefix = TestStorage.NewPrefix();
        var settings = Settings(azurite.ConnectionString, emulator, prefix);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var services = new ServiceCollection().AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddPaymentFunctions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        if (onVendorRequest is not null)
        {
            var http = new HttpClient(new WatchingHandler(onVendorRequest) { InnerHandler = new SocketsHttpHandler() });
            services.AddSingleton<IStripeClient>(new StripeClient("sk_test_core", httpClient: new SystemNetHttpClient(http, maxNetworkRetries: 0), apiBase: emulator.BaseUrl.ToString().TrimEnd('/')));
        }

        return new CoreServices(services.BuildServiceProvider(), emulator, azurite.ConnectionString, prefix);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        await Emulator.DisposeAsync();
        await TestStorage.DeleteAsync(Storage, Prefix);
    }

    private sealed class WatchingHandler(Func<HttpRequestMessage, Task> onRequest) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await onRequest(request);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
