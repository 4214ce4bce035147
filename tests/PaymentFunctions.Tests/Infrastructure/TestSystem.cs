using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.LocalHost;
using PaymentFunctions.RealHost;
using PaymentIntake.Payments;
using PaymentIntake.Due;
using PaymentIntake.Queue;
using Stripe;
using StripeEmulator;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>
/// The whole system for one test: the app over real HTTP on the host this run uses (<see cref="TestHosts"/>), the
/// shared Azurite with fresh storage (a name prefix on the local host; an account of its own on the real host, whose
/// queue triggers name fixed queues), and a Stripe emulator of its own, with time-compressed host.json and retry
/// settings.
/// </summary>
public sealed class TestSystem : IAsyncDisposable
{
    public const int MaxDequeueCount = 3;

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly ServiceProvider? _core;
    private readonly TimerTicker? _ticker;

    private TestSystem(IAppInstance host, StripeEmulatorServer emulator, string prefix, string storage, IReadOnlyDictionary<string, string?> settings, ServiceProvider? core, TimerTicker? ticker)
    {
        _settings = settings;
        _core = core;
        _ticker = ticker;
        Host = host;
        Emulator = emulator;
        Prefix = prefix;
        Storage = storage;
        StripeIntents = new PaymentIntentService(new StripeClient(
            "sk_test_e2e", httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: emulator.BaseUrl.ToString().TrimEnd('/')));
        Client = host.ClientFor("local-intake");
        Admin = host.ClientFor("local-ops");
        Lockbox = host.ClientFor("local-lockbox");
    }

    /// <summary>The app instance the test talks to (the first, when there are peers).</summary>
    public IAppInstance Host { get; }

    /// <summary>Which host runs the app in this test run.</summary>
    public static HostKind Kind => TestHosts.Kind;

    public StripeEmulatorServer Emulator { get; }

    /// <summary>The prefix of this test's storage names: fresh on the local host, empty on the real host (an account of its own).</summary>
    public string Prefix { get; }

    /// <summary>The connection string of this test's storage.</summary>
    public string Storage { get; }

    /// <summary>Stripe.net pointed at this test's emulator, for setting up vendor-side state.</summary>
    public PaymentIntentService StripeIntents { get; }

    /// <summary>A client with the intake caller's key (the web front end).</summary>
    public HttpClient Client { get; }

    /// <summary>A client with the lockbox caller's key (mail-in processing).</summary>
    public HttpClient Lockbox { get; }

    /// <summary>
    /// Starts a system. Stripe's webhooks reach it only with <paramref name="webhooks"/>: a scenario that claims what
    /// the poster itself recorded must not pass because a webhook finished the payment for it.
    /// </summary>
    public static async Task<TestSystem> StartAsync(AzuriteFixture azurite, IReadOnlyDictionary<string, string?>? overrides = null, bool webhooks = false)
    {
        var (emulator, storage, prefix, settings, host) = overrides is null or { Count: 0 } && Kind == HostKind.Real
            ? await Prepared.TakeAsync(azurite)
            : await PrepareAsync(azurite, overrides);
        ServiceProvider? core = null;
        TimerTicker? ticker = null;
        try
        {
            if (Kind == HostKind.Real)
            {
                core = CoreOf(settings);
                ticker = TimerTicker.Start(core, settings);
            }

            emulator.State.WebhookUrl = webhooks ? new Uri(host.BaseUrl, "api/webhooks/stripe") : null;
            return new TestSystem(host, emulator, prefix, storage, settings, core, ticker);
        }
        catch
        {
            if (ticker is not null)
            {
                await ticker.DisposeAsync();
            }

            if (core is not null)
            {
                await core.DisposeAsync();
            }

            await host.DisposeAsync();
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the system prepared for a next test that never came (the real host's; nothing on the local host).</summary>
    public static Task DisposePreparedAsync() => Prepared.DisposeAsync();

    private static async Task<Parts> PrepareAsync(AzuriteFixture azurite, IReadOnlyDictionary<string, string?>? overrides)
    {
        var emulator = await StripeEmulatorServer.StartAsync();
        // Stripe raises an account's limits on request; most scenarios are about something else than its limits, which
        // the throttling scenarios put back.
        emulator.State.Limits.Lift();
        var real = Kind == HostKind.Real;
        var prefix = real ? "" : TestStorage.NewPrefix();
        var storage = real ? azurite.NewAccount() : azurite.ConnectionString;
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = storage,
            ["Stripe:ApiKey"] = "sk_test_e2e",
            ["Stripe:ApiBase"] = emulator.BaseUrl.ToString(),
            ["Stripe:RetryBaseDelay"] = "00:00:00.010",
            ["Stripe:WebhookSecret"] = emulator.State.WebhookSecret,
            ["Stripe:ReturnUrl"] = "https://pay.example.test/payments/return",
            // The lockbox files under Batches/ carry fixed dates from 2013; the default window (90 days) has its own tests.
            ["Batches:MaxReceivedAge"] = "36500.00:00:00",
            ["Stripe:RequestTimeout"] = "00:00:02",
            ["PaymentIntake:NamePrefix"] = real ? null : prefix,
            ["PaymentIntake:IdSecret"] = "test-payment-id-secret-of-at-least-32-characters",
            // Azurite on a shared 2-core runner can stall for seconds under load (a drain, hundreds of payments at once):
            // waits on it are not what these tests are about. The storage budget's own scenarios set small ones.
            ["PaymentIntake:StorageTimeout"] = "00:00:30",
            ["PaymentIntake:StorageTryTimeout"] = "00:00:10",
            ["Posting:VendorRatePerSecond"] = "80",
            ["Posting:VendorEndpointRatePerSecond"] = "80",
            ["Posting:RateShareRefresh"] = "00:00:00.200",
            ["Posting:PostingLease"] = "00:00:05",
            ["Posting:RetryLaterBaseDelay"] = "00:00:00.200",
            ["Posting:RetryLaterMaxDelay"] = "00:00:01",
            ["Posting:CircuitBreakDuration"] = "00:00:00.500",
            ["Posting:CircuitProbeLease"] = "00:00:03",
            ["Posting:CircuitCacheTime"] = "00:00:00.100",
            ["Posting:ReconcileAfter"] = "00:00:02",
            ["LocalHost:Timers:ReconcilePayments"] = "00:00:00.500",
            ["LocalHost:Timers:ProbeVendor"] = "00:00:00.500",
            ["LocalHost:Timers:RecordPoison"] = "00:00:00.500",
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = MaxDequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00.100",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
            // The daily reconciliation would run against each test's emulator at a 10-minute boundary; its own tests drive it.
            ["Reconciliation:Daily"] = "false",
            // The tests play App Service Authentication on the real host (they send the principal it would), and App
            // Service announces it so; the local host, which names callers by their key, does the same by itself.
            ["WEBSITE_AUTH_ENABLED"] = "True",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        try
        {
            var host = real ? await StartRealAsync(settings) : new LocalAppInstance(await LocalFunctionsHost.StartAsync([], settings));
            return new Parts(emulator, storage, prefix, settings, host);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>What a system is made of before a test takes it: its vendor, storage, settings and running app.</summary>
    private sealed record Parts(StripeEmulatorServer Emulator, string Storage, string Prefix, Dictionary<string, string?> Settings, IAppInstance Host);

    /// <summary>
    /// On the real host, the next system with the default settings is prepared while the current test runs: a host
    /// takes about 5 s to start, mostly while the test before it waits on a condition. Each test still gets a fresh
    /// host, storage account and emulator; only the start moved earlier. The one left at the end is stopped by the
    /// collection (<see cref="DisposePreparedAsync"/>).
    /// </summary>
    private static class Prepared
    {
        private static readonly Lock Gate = new();
        private static Task<Parts>? _next;

        public static async Task<Parts> TakeAsync(AzuriteFixture azurite)
        {
            Task<Parts> taken;
            lock (Gate)
            {
                taken = _next ?? PrepareAsync(azurite, null);
                _next = PrepareAsync(azurite, null);
            }

            return await taken;
        }

        public static async Task DisposeAsync()
        {
            Task<Parts>? left;
            lock (Gate)
            {
                (left, _next) = (_next, null);
            }

            if (left is not null)
            {
                var parts = await left;
                await parts.Host.DisposeAsync();
                await parts.Emulator.DisposeAsync();
            }
        }
    }

    public QueueClient Queue(string name) => new(Storage, Prefix + name);

    /// <summary>Another instance of the app on the same storage and vendor (a scaled-out Functions app); the caller disposes it.</summary>
    public async Task<IAppInstance> StartPeerAsync() =>
        Kind == HostKind.Real ? await StartRealAsync(_settings) : new LocalAppInstance(await LocalFunctionsHost.StartAsync([], _settings));

    /// <summary>
    /// The app under a real Functions host with these settings: the local host's own settings become what the real
    /// host reads (a disabled pump becomes disabled functions); its timer intervals are kept by <see cref="TimerTicker"/>.
    /// </summary>
    private static async Task<IAppInstance> StartRealAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var app = await AppPublish.FolderAsync(BuildConfiguration);
        var real = RealHostSettings.From(settings);
        // The host's own Information logs (every execution) cost CPU the scenarios need; its warnings and errors stay.
        real.TryAdd("AzureFunctionsJobHost:logging:logLevel:default", "Warning");
        return new RealAppInstance(await RealFunctionsHost.StartAsync(TestHosts.RealHost, app, real, quickStart: true));
    }

    /// <summary>The configuration these tests were built with: the app is published in the same one, reusing that build.</summary>
#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    /// <summary>The core's services in this process on the real host's storage and vendor (what <see cref="Service{T}"/> returns there).</summary>
    private static ServiceProvider CoreOf(IReadOnlyDictionary<string, string?> settings)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPaymentFunctions(new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    public static object Payment(string method = "pm_card_visa", long amount = 45600, string memberId = "M-1001") =>
        new { memberId, amount, currency = "usd", paymentMethodId = method };

    public async Task<HttpResponseMessage> SubmitAsync(string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await Client.SendAsync(request);
    }

    /// <summary>Reads a payment as operations (who may read any payment).</summary>
    public async Task<JsonElement> GetPaymentAsync(string paymentId, HttpClient? client = null) =>
        await (client ?? Admin).GetFromJsonAsync<JsonElement>($"/api/payments/{paymentId}");

    /// <summary>Polls the payment until <paramref name="until"/> holds; fails with the last state after the timeout.</summary>
    public Task<JsonElement> WaitForPaymentAsync(string paymentId, Func<JsonElement, bool> until, TimeSpan? timeout = null, HttpClient? client = null) =>
        Poll.UntilAsync(() => GetPaymentAsync(paymentId, client), until, timeout, last => $"Payment {paymentId} did not reach the expected state in time; last: {last}");

    public Task<JsonElement> WaitForStatusAsync(string paymentId, string status, TimeSpan? timeout = null) =>
        WaitForPaymentAsync(paymentId, p => p.GetProperty("status").GetString() == status, timeout);

    /// <summary>A client with the operations caller's key.</summary>
    public HttpClient Admin { get; }

    /// <summary>Waits until the poison store (via <c>GET /api/ops/poison</c>) holds <paramref name="count"/> messages; returns them.</summary>
    public async Task<JsonElement[]> WaitForPoisonAsync(int count, TimeSpan? timeout = null)
    {
        var listing = await Poll.UntilAsync(
            () => Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison?pageSize=100"),
            l => l.GetProperty("total").GetInt32() >= count,
            timeout,
            last => $"The poison store did not receive {count} message(s) in time; it has {last.GetProperty("total").GetInt32()}.");
        return listing.GetProperty("messages").EnumerateArray().ToArray();
    }

    /// <summary>
    /// A core service on this test's storage and vendor: the local host's own, or on the real host (another process)
    /// one wired by the same composition root in this process, as another instance of the app would be.
    /// </summary>
    public T Service<T>() where T : notnull =>
        _core is not null ? _core.GetRequiredService<T>() : ((LocalAppInstance)Host).Host.App.Services.GetRequiredService<T>();

    /// <summary>
    /// Writes a payment row and its due-index entry as intake would, but sends no message: the state a crash after
    /// the insert leaves behind.
    /// </summary>
    public async Task<Payment> InsertRowAsync(
        string idempotencyKey,
        string status = PaymentStatus.Accepted,
        TimeSpan? updatedAgo = null,
        string? vendorReference = null,
        TimeSpan? nextAttemptIn = null,
        TimeSpan? dueAgo = null)
    {
        var now = DateTimeOffset.UtcNow;
        var updated = now - (updatedAgo ?? TimeSpan.Zero);
        var row = Services.Rows.Card(acceptedAt: updated, status: status);
        row.PartitionKey = PaymentId.Derive("test", idempotencyKey);
        row.Attempts = status == PaymentStatus.Accepted && nextAttemptIn is null ? 0 : 1;
        row.VendorReference = vendorReference;
        row.NextAttemptAt = nextAttemptIn is { } next ? now + next : null;
        // By default the due entry is where the reconciler would have left it: never behind its checkpoint (the
        // system's timers may have run for a while before this row appears), so it is read at the next run.
        var dueByDefault = updated + TimeSpan.FromSeconds(2) > now + TimeSpan.FromSeconds(1) ? updated + TimeSpan.FromSeconds(2) : now + TimeSpan.FromSeconds(1);
        row.DueAt = dueAgo is { } ago ? now - ago : dueByDefault;
        await Service<PaymentsDueIndex>().AddAsync(row.PaymentId, row.DueAt.Value, row.AcceptedAt, CancellationToken.None);
        var payment = row.ToPayment();
        Assert.True(await Service<PaymentStore>().TryInsertAsync(payment, CancellationToken.None));
        return payment;
    }

    /// <summary>Sends a message body as the host would receive it (base64), whatever it holds.</summary>
    public async Task SendRawMessageAsync(string body)
    {
        var queue = Queue("payments");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    /// <summary>Polls <c>GET /api/ops/status</c> until the vendor state is <paramref name="state"/>; returns the status.</summary>
    public Task<JsonElement> WaitForVendorStateAsync(string state, TimeSpan? timeout = null) =>
        Poll.UntilAsync(
            () => Admin.GetFromJsonAsync<JsonElement>("/api/ops/status"),
            status => status.GetProperty("vendor").GetProperty("state").GetString() == state,
            timeout,
            last => $"The vendor state did not become {state} in time; last: {last.GetProperty("vendor")}");

    public Task SendMessageAsync(string paymentId) => Service<PaymentQueue>().SendAsync(paymentId, TimeSpan.Zero, CancellationToken.None);

    /// <summary>Waits until queue <c>payments</c> has no message left (visible or not).</summary>
    public Task WaitForQueueEmptyAsync(TimeSpan? timeout = null) =>
        Poll.UntilAsync(
            async () => (await Queue("payments").GetPropertiesAsync()).Value.ApproximateMessagesCount,
            count => count == 0,
            timeout,
            last => $"Queue payments did not drain in time; {last} message(s) left.");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        Lockbox.Dispose();
        if (_ticker is not null)
        {
            await _ticker.DisposeAsync();
        }

        await Host.DisposeAsync();
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        await DeleteStorageAsync();
    }

    private Task DeleteStorageAsync() => TestStorage.DeleteAsync(Storage, Prefix);
}

/// <summary>Fresh storage names per test on the shared Azurite, and their removal.</summary>
internal static class TestStorage
{
    /// <summary>A new name prefix: every queue, table and container of one test starts with it.</summary>
    public static string NewPrefix() => "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    /// <summary>
    /// Deletes a test's queues, tables and containers. Azurite's queue operations cost time in proportion to every
    /// message it holds, in every queue, so messages left behind by one test would slow all the tests after it.
    /// </summary>
    /// <summary>A connection string for an account on a local port nothing listens on: storage "down".</summary>
    public static string Unreachable()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var endpoint = $"http://127.0.0.1:{port}/devstoreaccount1";
        return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint={endpoint};QueueEndpoint={endpoint};TableEndpoint={endpoint}";
    }

    public static async Task DeleteAsync(string storage, string prefix)
    {
        var queues = new QueueServiceClient(storage);
        await foreach (var queue in queues.GetQueuesAsync(prefix: prefix))
        {
            await queues.DeleteQueueAsync(queue.Name);
        }

        var tables = new Azure.Data.Tables.TableServiceClient(storage);
        await foreach (var table in tables.QueryAsync($"TableName ge '{prefix}' and TableName lt '{prefix}~'"))
        {
            await tables.DeleteTableAsync(table.Name);
        }

        var blobs = new Azure.Storage.Blobs.BlobServiceClient(storage);
        await foreach (var container in blobs.GetBlobContainersAsync(prefix: prefix))
        {
            await blobs.DeleteBlobContainerAsync(container.Name);
        }
    }
}

internal static class Base64Text
{
    public static string FromBase64(this string text) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text));
}

/// <summary>Awaits a condition by polling (never a blind sleep): fails the test with a description after the timeout.</summary>
internal static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout, Func<T, string> failure)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(failure(value));
            }

            await Task.Delay(50);
        }
    }
}
