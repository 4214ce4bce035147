using PaymentFunctions.LocalHost;
using PaymentFunctions.RealHost;

namespace PaymentFunctions.Benchmarks;

/// <summary>Which host a benchmark runs the app on: <c>--host real|local</c>; real by default when one is found.</summary>
internal enum BenchHostKind
{
    Local,
    Real,
}

/// <summary>
/// The app under test on either host, with the settings a benchmark gives (configuration keys; the local host's own
/// <c>LocalHost:*</c> keys are translated or dropped for the real host). Callers sign in as on each host: a key the
/// local host maps to a caller, or a function key and the principal App Service Authentication would send.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly LocalFunctionsHost? _local;
    private readonly RealFunctionsHost? _real;

    private BenchHost(LocalFunctionsHost? local, RealFunctionsHost? real)
    {
        _local = local;
        _real = real;
    }

    public Uri BaseUrl => _local?.BaseUrl ?? _real!.BaseUrl;

    /// <summary>The local host, for what only it can show (its in-process storage metrics); null on the real host.</summary>
    public LocalFunctionsHost? Local => _local;

    /// <summary>Reads <c>--host real|local</c> from the arguments (and removes it); without it, real when a host is found.</summary>
    public static BenchHostKind Choose(List<string> args)
    {
        var at = args.IndexOf("--host");
        if (at >= 0 && at + 1 < args.Count)
        {
            var value = args[at + 1];
            args.RemoveRange(at, 2);
            return value switch
            {
                "real" => BenchHostKind.Real,
                "local" => BenchHostKind.Local,
                _ => throw new ArgumentException($"--host {value}: use real or local."),
            };
        }

        return FunctionsHostLocation.Find(out _) is null ? BenchHostKind.Local : BenchHostKind.Real;
    }

    public static async Task<BenchHost> StartAsync(BenchHostKind kind, IReadOnlyDictionary<string, string?> settings)
    {
        if (kind == BenchHostKind.Local)
        {
            return new BenchHost(await LocalFunctionsHost.StartAsync([], settings), null);
        }

        var real = RealHostSettings.From(settings);
        var location = FunctionsHostLocation.Find(out var why) ?? throw new InvalidOperationException(why);
        return new BenchHost(null, await RealFunctionsHost.StartAsync(location, await AppPublish.FolderAsync(), real));
    }

    /// <summary>A client whose requests are <paramref name="caller"/>'s (a local host caller name; roles as the local host gives them).</summary>
    public HttpClient ClientFor(string caller, string role, HttpMessageHandler? handler = null)
    {
        var client = new HttpClient(handler ?? new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = BaseUrl };
        if (_local is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", _local.Keys.KeyOf(caller));
        }
        else
        {
            client.DefaultRequestHeaders.Add("x-functions-key", RealFunctionsHost.FunctionKey);
            client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", RealFunctionsHost.PrincipalHeader(caller, [role]));
        }

        return client;
    }

    /// <summary>Kills the instance mid-work: SIGKILL to the real host and its worker; the local host's in-process crash.</summary>
    /// <summary>The real host's last log lines (host and worker; none for the local host).</summary>
    public string LogTail(int lines) => _real?.Tail(lines) ?? string.Empty;

    public Task KillAsync() => _local is not null ? _local.CrashAsync() : _real!.KillAsync();

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }

        if (_real is not null)
        {
            await _real.DisposeAsync();
        }
    }
}
