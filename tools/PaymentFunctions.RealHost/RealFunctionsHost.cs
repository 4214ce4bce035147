using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PaymentFunctions.RealHost;

/// <summary>
/// The published function app under a real Azure Functions host (a host build or Core Tools), as a child process on a
/// free loopback port, with a key file of known keys and the app settings as environment variables, as in Azure.
/// Started when the host reports <c>Running</c> and the app answers; stopped by its process id (SIGTERM, then kill).
/// </summary>
public sealed class RealFunctionsHost : IAsyncDisposable
{
    /// <summary>The master key in the key file (admin routes; passes every key gate, names no caller).</summary>
    public const string MasterKey = "test-master-key";

    /// <summary>The host function key in the key file (passes the gate of every <c>authLevel: function</c> route).</summary>
    public const string FunctionKey = "test-function-key";

    private const int LogLines = 20_000;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _folder;
    private readonly bool _coreTools;
    private readonly ConcurrentQueue<string> _log = new();
    private Task? _stopped;

    private RealFunctionsHost(Process process, Uri baseUrl, string folder, bool coreTools)
    {
        _process = process;
        BaseUrl = baseUrl;
        _folder = folder;
        _coreTools = coreTools;
    }

    /// <summary>Where the host listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>
    /// Starts <paramref name="host"/> over the publish folder <paramref name="app"/> with <paramref name="settings"/>
    /// (configuration keys with <c>:</c> become environment variables with <c>__</c>; null values are left out).
    /// With <paramref name="quickStart"/> the host runs with tiered compilation: the host build ships with it off, as
    /// Azure's host does, whose assemblies are precompiled (ReadyToRun); a build from source is plain IL, so every
    /// method would be fully optimized at its first call. Measured here: ready in about 3 s instead of 6, half the CPU.
    /// It changes when code is optimized, not what it does; benchmarks leave it off to measure the host as shipped.
    /// </summary>
    public static async Task<RealFunctionsHost> StartAsync(
        FunctionsHostLocation host,
        string app,
        IReadOnlyDictionary<string, string?> settings,
        bool quickStart = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);
        // A free port is found by binding port 0 and letting it go, so another process (a second test run, a peer
        // host starting at the same moment) can take it before the host binds it: then the host exits at once with
        // AddressInUse, before it ran anything, and it is started again on another port.
        for (var tryNumber = 1; ; tryNumber++)
        {
            try
            {
                return await StartOnPortAsync(host, app, settings, quickStart, FreePort(), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex) when (tryNumber < 3 && ex.Message.Contains("AddressInUseException", StringComparison.Ordinal))
            {
            }
        }
    }

    private static async Task<RealFunctionsHost> StartOnPortAsync(
        FunctionsHostLocation host,
        string app,
        IReadOnlyDictionary<string, string?> settings,
        bool quickStart,
        int port,
        CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "paymentfunctions-realhost", $"{port}-{Guid.NewGuid():N}");
        var secrets = Path.Combine(folder, "secrets");
        Directory.CreateDirectory(secrets);
        await File.WriteAllTextAsync(Path.Combine(secrets, "host.json"), KeyFile(port), cancellationToken).ConfigureAwait(false);

        var start = StartInfo(host, app, port);
        foreach (var name in start.Environment.Keys.Where(Inherited).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_ROLL_FORWARD"] = "Major";
        if (quickStart)
        {
            start.Environment["DOTNET_TieredCompilation"] = "1";
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["AzureWebJobsScriptRoot"] = app;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["AzureWebJobsSecretStorageType"] = "files";
        start.Environment["FUNCTIONS_SECRETS_PATH"] = secrets;
        start.Environment["AzureFunctionsJobHost__Logging__Console__IsEnabled"] = "true";
        start.Environment["FUNCTIONS_CORE_TOOLS_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in settings)
        {
            if (value is not null)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host.Description}.");
        var realHost = new RealFunctionsHost(process, new Uri($"http://127.0.0.1:{port}/"), folder, host.Func is not null);
        process.OutputDataReceived += (_, e) => realHost.Append(e.Data);
        process.ErrorDataReceived += (_, e) => realHost.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await realHost.WaitUntilRunningAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await realHost.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return realHost;
    }

    /// <summary>
    /// The <c>X-MS-CLIENT-PRINCIPAL</c> header App Service Authentication sends for a client application signed in
    /// with Entra ID (client credentials): base64 JSON with <c>auth_typ</c> <c>aad</c>, the long claim-type names as
    /// <c>name_typ</c> and <c>role_typ</c>, and the token's claims — an app token has no name claim, its id is
    /// <c>appid</c>, its app roles are <c>roles</c> claims (Microsoft Learn, "Work with user identities in Azure App
    /// Service authentication"). This host build has no Easy Auth, so a test or benchmark sends it itself.
    /// </summary>
    public static string PrincipalHeader(string appId, IEnumerable<string> roles)
    {
        var claims = roles.Select(role => new { typ = "roles", val = role })
            .Prepend(new { typ = "appid", val = appId })
            .Prepend(new { typ = "aud", val = "api://paymentfunctions" });
        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            claims,
            name_typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
            role_typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        });
        return Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The newest console lines, for a failure message.</summary>
    public string Tail(int lines = 60) => string.Join('\n', _log.TakeLast(lines));

    /// <summary>
    /// Asks the host to stop (SIGTERM: it stops its listeners and the worker) and returns at once; <see cref="DisposeAsync"/>
    /// waits for the exit. Several hosts can so stop at the same time.
    /// </summary>
    public Task StopAsync() => _stopped ??= StopCoreAsync();

    /// <summary>
    /// Kills the host and its worker at once (SIGKILL to the process tree), as a crash, an out-of-memory kill or a
    /// machine taken away does: nothing runs its shutdown, whatever was in flight stops where it was.
    /// </summary>
    public async Task KillAsync()
    {
        if (_stopped is null && !_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _stopped ??= _process.WaitForExitAsync();
        await _stopped.ConfigureAwait(false);
    }

    /// <summary>Stops the host and waits until it and its worker have exited (killed after 20 s).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StopCoreAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            if (kill is not null)
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    private async Task WaitUntilRunningAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Functions host exited with code {_process.ExitCode} before it was running:\n{Tail()}");
            }

            if (await IsRunningAsync(http, _coreTools, timeout.Token).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                await Task.Delay(100, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The Functions host was not running within {StartTimeout.TotalSeconds} s:\n{Tail()}");
            }
        }
    }

    /// <summary>
    /// Running: the host says so (its listeners started) and the worker answers an HTTP function. Core Tools keep
    /// their own master key, so there a refused status request counts as the host being up.
    /// </summary>
    private static async Task<bool> IsRunningAsync(HttpClient http, bool coreTools, CancellationToken cancellationToken)
    {
        try
        {
            using var status = new HttpRequestMessage(HttpMethod.Get, "admin/host/status");
            status.Headers.Add("x-functions-key", MasterKey);
            using var hostStatus = await http.SendAsync(status, cancellationToken).ConfigureAwait(false);
            var running = hostStatus.IsSuccessStatusCode
                ? (await hostStatus.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Contains("\"state\":\"Running\"", StringComparison.Ordinal)
                : coreTools && hostStatus.StatusCode == HttpStatusCode.Unauthorized;
            if (!running)
            {
                return false;
            }

            using var health = await http.GetAsync("api/health", cancellationToken).ConfigureAwait(false);
            return health.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > LogLines && _log.TryDequeue(out _))
        {
        }
    }

    private static ProcessStartInfo StartInfo(FunctionsHostLocation host, string app, int port)
    {
        ProcessStartInfo start;
        if (host.RunScript is { } script)
        {
            // run-host.sh exec's the host: its pid is the host's, and SIGTERM reaches it directly.
            start = new ProcessStartInfo("bash") { ArgumentList = { script, app, port.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        }
        else if (host.HostProgram is { } dll)
        {
            start = new ProcessStartInfo("dotnet") { ArgumentList = { dll }, WorkingDirectory = Path.GetDirectoryName(dll)! };
        }
        else
        {
            start = new ProcessStartInfo(host.Func!) { ArgumentList = { "host", "start", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, WorkingDirectory = app };
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return start;
    }

    /// <summary>What the parent process may hold that would change how the host behaves.</summary>
    private static bool Inherited(string name) =>
        name == "CONTAINER_NAME"
        || name.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("AzureFunctions", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("FUNCTIONS_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("WEBSITE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Stripe__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("PaymentIntake__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Posting__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) && name != "DOTNET_ROOT";

    private static string KeyFile(int port) =>
        $$"""
        {"masterKey":{"name":"master","value":"{{MasterKey}}","encrypted":false},
         "functionKeys":[{"name":"default","value":"{{FunctionKey}}","encrypted":false}],
         "systemKeys":[],"hostName":"127.0.0.1:{{port}}","instanceId":"00000000000000000000000000000000",
         "source":"runtime","decryptionKeyId":""}
        """;

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
