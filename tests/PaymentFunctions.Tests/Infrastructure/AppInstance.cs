using System.Net.Http.Headers;
using PaymentFunctions.Http;
using PaymentFunctions.LocalHost;
using PaymentFunctions.RealHost;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>The two hosts the app's scenarios run on.</summary>
public enum HostKind
{
    /// <summary>tools/PaymentFunctions.LocalHost, in this process.</summary>
    Local,

    /// <summary>A real Azure Functions host over the published app, as a child process.</summary>
    Real,
}

/// <summary>
/// Which host this test run uses: <c>PAYMENTS_TEST_HOST=real</c> runs the scenarios under a real Functions host
/// (found by <see cref="FunctionsHostLocation"/>); anything else, or nothing, under the local host.
/// </summary>
public static class TestHosts
{
    /// <summary>The environment variable that chooses the host.</summary>
    public const string Variable = "PAYMENTS_TEST_HOST";

    /// <summary>The trait a scenario about the local host's own features carries (never run on the real host).</summary>
    public const string LocalOnly = "LocalOnly";

    public static HostKind Kind { get; } =
        string.Equals(Environment.GetEnvironmentVariable(Variable), "real", StringComparison.OrdinalIgnoreCase) ? HostKind.Real : HostKind.Local;

    /// <summary>The real host of this machine; fails the test with the reason when there is none.</summary>
    public static FunctionsHostLocation RealHost => FunctionsHostLocation.Find(out var why) ?? throw new InvalidOperationException(why);

    /// <summary>The roles of the callers the scenarios use (the local host's default callers).</summary>
    public static IReadOnlyDictionary<string, string[]> Callers { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["local-intake"] = [Roles.Intake],
        ["local-lockbox"] = [Roles.Lockbox],
        ["local-ops"] = [Roles.Operations],
        ["other-front-end"] = [Roles.Intake],
    };
}

/// <summary>One running instance of the app, on either host: where it listens and how a caller signs in to it.</summary>
public interface IAppInstance : IAsyncDisposable
{
    Uri BaseUrl { get; }

    /// <summary>The master key: passes every key gate, names no caller.</summary>
    string MasterKey { get; }

    /// <summary>The key that lets <paramref name="caller"/>'s request through the function-key gate.</summary>
    string GateKey(string caller);

    /// <summary>
    /// Makes a request <paramref name="caller"/>'s: on the local host its key (which the host maps to the caller); on
    /// the real host a function key and the principal App Service Authentication would pass (<c>X-MS-CLIENT-PRINCIPAL</c>).
    /// </summary>
    void SignIn(HttpRequestHeaders headers, string caller);

    /// <summary>What besides the gate key names <paramref name="caller"/> (the real host's principal; nothing on the local host).</summary>
    void SignInWithoutKey(HttpRequestHeaders headers, string caller);

    /// <summary>
    /// Kills the instance mid-work: on the real host SIGKILL to the host and its worker; on the local host, in this
    /// process, its heartbeat stops and the host stops without grace (<see cref="LocalFunctionsHost.CrashAsync"/>).
    /// </summary>
    Task KillAsync();

    /// <summary>A client whose every request is <paramref name="caller"/>'s.</summary>
    HttpClient ClientFor(string caller)
    {
        var client = new HttpClient { BaseAddress = BaseUrl };
        SignIn(client.DefaultRequestHeaders, caller);
        return client;
    }
}

/// <summary>The app on the local host.</summary>
public sealed class LocalAppInstance(LocalFunctionsHost host) : IAppInstance
{
    public LocalFunctionsHost Host { get; } = host;

    public Uri BaseUrl => Host.BaseUrl;

    public string MasterKey => Host.Keys.AdminKey;

    public string GateKey(string caller) => Host.Keys.KeyOf(caller);

    public void SignIn(HttpRequestHeaders headers, string caller) => headers.Add("x-functions-key", Host.Keys.KeyOf(caller));

    public void SignInWithoutKey(HttpRequestHeaders headers, string caller)
    {
    }

    public Task KillAsync() => Host.CrashAsync();

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>The app under a real Functions host.</summary>
public sealed class RealAppInstance(RealFunctionsHost host) : IAppInstance
{
    public RealFunctionsHost Host { get; } = host;

    public Uri BaseUrl => Host.BaseUrl;

    public string MasterKey => RealFunctionsHost.MasterKey;

    public string GateKey(string caller) => RealFunctionsHost.FunctionKey;

    public void SignIn(HttpRequestHeaders headers, string caller)
    {
        headers.Add("x-functions-key", RealFunctionsHost.FunctionKey);
        SignInWithoutKey(headers, caller);
    }

    public void SignInWithoutKey(HttpRequestHeaders headers, string caller) =>
        headers.Add(CallerPrincipal.Header, RealFunctionsHost.PrincipalHeader(caller, TestHosts.Callers[caller]));

    public Task KillAsync() => Host.KillAsync();

    /// <summary>
    /// Asks the host to stop (SIGTERM) and leaves the wait for its exit to <see cref="StoppingHosts"/>: a host takes
    /// 2–6 s to stop, on storage of its own that nothing else uses, and the next test need not wait for that.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        StoppingHosts.Add(Host);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Real hosts asked to stop; the end-to-end collection waits for every one to exit before it ends.</summary>
public static class StoppingHosts
{
    private static readonly List<Task> Stopping = [];

    public static void Add(RealFunctionsHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (Stopping)
        {
            Stopping.Add(host.DisposeAsync().AsTask());
        }
    }

    /// <summary>Waits until every host asked to stop has exited (each is killed 20 s after its SIGTERM).</summary>
    public static Task AllStoppedAsync()
    {
        lock (Stopping)
        {
            return Task.WhenAll(Stopping.ToArray());
        }
    }
}
