using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace PaymentFunctions.LocalHost;

/// <summary>
/// Azurite (pinned in <c>azurite/package.json</c>) as a child process on free loopback ports, in memory.
/// Stopped by its process id on dispose.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string DefaultAccount = "devstoreaccount1";
    private readonly Process _process;
    private readonly int _blobPort;
    private readonly int _queuePort;
    private readonly int _tablePort;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort, IReadOnlyList<string> accounts)
    {
        _process = process;
        _blobPort = blobPort;
        _queuePort = queuePort;
        _tablePort = tablePort;
        Accounts = accounts;
        ConnectionString = ConnectionStringFor(DefaultAccount);
    }

    /// <summary>The storage connection string for this Azurite's default account (<c>devstoreaccount1</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The further storage accounts it serves (<c>acct0001</c>, …), each empty at start.</summary>
    public IReadOnlyList<string> Accounts { get; }

    /// <summary>The connection string for <paramref name="account"/> (the default one or one of <see cref="Accounts"/>).</summary>
    public string ConnectionStringFor(string account) =>
        $"DefaultEndpointsProtocol=http;AccountName={account};" +
        $"AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_blobPort}/{account};" +
        $"QueueEndpoint=http://127.0.0.1:{_queuePort}/{account};" +
        $"TableEndpoint=http://127.0.0.1:{_tablePort}/{account};";

    /// <summary>Where <c>package.json</c> and <c>node_modules</c> of the pinned Azurite are.</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable("AZURITE_DIRECTORY")
        ?? typeof(AzuriteProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "AzuriteDirectory").Value!;

    /// <summary>
    /// Starts Azurite and waits until its three services accept connections. With <paramref name="accounts"/>, it
    /// also serves that many further accounts (<c>AZURITE_ACCOUNTS</c>): storage of its own for whoever cannot use a
    /// name prefix, such as the real Functions host, whose queue triggers name fixed queues.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(int accounts = 0, CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(Directory, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}. Build the solution (it runs `npm ci` in {Directory}), or run `npm ci` there.");
        }

        var ports = FreePorts(3);
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        var names = Enumerable.Range(1, accounts).Select(i => $"acct{i:0000}").ToList();
        if (names.Count > 0)
        {
            start.Environment["AZURITE_ACCOUNTS"] = string.Join(';', names.Prepend(DefaultAccount).Select(name => $"{name}:{AccountKey}"));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, ports[0], ports[1], ports[2], names);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            foreach (var port in ports)
            {
                await WaitForPortAsync(process, port, timeout.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return azurite;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static async Task WaitForPortAsync(Process process, int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on port {port}.");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners)
        {
            l.Start();
        }

        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners)
        {
            l.Stop();
        }

        return ports;
    }
}
