using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>How an instance's <see cref="InstanceFault.At"/>-th call to storage or the vendor goes.</summary>
public enum FaultKind
{
    /// <summary>No fault.</summary>
    None,

    /// <summary>The process dies before the call is sent: nothing of it, or after it, reaches storage or the vendor.</summary>
    CrashBefore,

    /// <summary>The call is carried out, then the process dies before it learns the answer.</summary>
    CrashAfter,

    /// <summary>The process stalls before the call until the test lets it go on (another instance runs meanwhile).</summary>
    Pause,
}

/// <summary>Thrown into an instance's code at and after its crash; nothing it does afterwards reaches storage or the vendor.</summary>
internal sealed class InstanceCrashedException : Exception
{
    public InstanceCrashedException() : base("The instance crashed here (injected).") { }

    public InstanceCrashedException(string message) : base(message) { }

    public InstanceCrashedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// One fault for one instance, struck at its <see cref="At"/>-th outgoing call (storage requests and vendor requests
/// counted together, in the order they start; or vendor requests only, where the windows that can cost money are). After a crash every further call fails before it is sent, so catch
/// blocks that try to write something cannot: the instance's effects are exactly those of a process that died there.
/// </summary>
internal sealed class InstanceFault(FaultKind kind, int at, bool vendorCallsOnly = false)
{
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;
    private volatile bool _dead;

    public static InstanceFault Healthy { get; } = new(FaultKind.None, 0);

    public FaultKind Kind { get; } = kind;

    public int At { get; } = at;

    /// <summary>True once the instance made its <see cref="At"/>-th call: the fault struck (a run may end sooner).</summary>
    public bool Struck => Kind != FaultKind.None && Volatile.Read(ref _calls) >= At;

    /// <summary>Completes when the instance stalls at its pause.</summary>
    public Task Paused => _paused.Task;

    /// <summary>Lets a stalled instance go on.</summary>
    public void Resume() => _resume.TrySetResult();

    /// <summary>Before a call: counts it; crashes or stalls if this is the one. Returns the call's number.</summary>
    public async ValueTask<int> BeforeAsync(bool vendor)
    {
        if (_dead)
        {
            throw new InstanceCrashedException();
        }

        if (vendorCallsOnly && !vendor)
        {
            return 0;
        }

        var call = Interlocked.Increment(ref _calls);
        if (call == At && Kind == FaultKind.CrashBefore)
        {
            _dead = true;
            throw new InstanceCrashedException();
        }

        if (call == At && Kind == FaultKind.Pause)
        {
            _paused.TrySetResult();
            await _resume.Task.ConfigureAwait(false);
        }

        return call;
    }

    /// <summary>After a call was carried out: crashes if this was the one.</summary>
    public void After(int call)
    {
        if (_dead || (call == At && Kind == FaultKind.CrashAfter))
        {
            _dead = true;
            throw new InstanceCrashedException();
        }
    }

    /// <summary>Storage: every request of the instance's table and queue clients.</summary>
    public HttpPipelinePolicy StoragePolicy => new Policy(this);

    /// <summary>Vendor: every request Stripe.net sends.</summary>
    public DelegatingHandler VendorHandler => new Handler(this) { InnerHandler = new SocketsHttpHandler() };

    private sealed class Policy(InstanceFault fault) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var call = await fault.BeforeAsync(vendor: false).ConfigureAwait(false);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            fault.After(call);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();
    }

    private sealed class Handler(InstanceFault fault) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = await fault.BeforeAsync(vendor: true).ConfigureAwait(false);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            fault.After(call);
            return response;
        }
    }
}

/// <summary>
/// One app instance (a process) over shared storage, vendor and clock, wired by the app's composition root, with its
/// own caches and its own <see cref="InstanceFault"/> on every call to storage and the vendor. A new instance per
/// operation is a new process: what a crashed one held in memory is gone, as on a real restart.
/// </summary>
internal sealed class CrashableInstance : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private CrashableInstance(ServiceProvider provider) => _provider = provider;

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public static CrashableInstance Start(IReadOnlyDictionary<string, string?> settings, TimeProvider time, InstanceFault fault)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(time);
        services.AddPaymentFunctions(configuration);

        // The same clients the app builds, with the fault on their pipelines (registered last, so they win).
        var storage = settings["AzureWebJobsStorage"];
        var tables = new TableClientOptions();
        tables.AddPolicy(fault.StoragePolicy, HttpPipelinePosition.PerCall);
        var queues = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queues.AddPolicy(fault.StoragePolicy, HttpPipelinePosition.PerCall);
        services.AddSingleton(new TableServiceClient(storage, tables));
        services.AddSingleton(new QueueServiceClient(storage, queues));
        services.AddSingleton<IStripeClient>(new StripeClient(
            settings["Stripe:ApiKey"],
            httpClient: new SystemNetHttpClient(new HttpClient(fault.VendorHandler), maxNetworkRetries: 0),
            apiBase: settings["Stripe:ApiBase"]!.TrimEnd('/')));
        return new CrashableInstance(services.BuildServiceProvider());
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

/// <summary>A clock that runs with the system's and jumps forward when told (timers stay real, so nothing waits on a fake).</summary>
internal sealed class JumpingClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Jump(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
