using System.Net;
using System.Net.Sockets;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>
/// Azurite behind three loopback relays (blob, queue, table) that a test can cut, freeze and restore: while cut,
/// every open connection is closed and new ones are refused at once, as when the storage account is unreachable;
/// while frozen, connections are taken and bytes held (nothing answers, nothing fails), as when storage hangs — and
/// what was held is delivered once it thaws, as a hung request that completes late.
/// </summary>
public sealed class StorageRelay : IAsyncDisposable
{
    private static readonly string[] Endpoints = ["BlobEndpoint", "QueueEndpoint", "TableEndpoint"];
    private readonly List<Relay> _relays;

    private StorageRelay(List<Relay> relays, string connectionString)
    {
        _relays = relays;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string through the relays (the original one with each endpoint's port replaced).</summary>
    public string ConnectionString { get; }

    /// <summary>Relays to the endpoints of <paramref name="storage"/> (an Azurite connection string).</summary>
    public static StorageRelay To(string storage)
    {
        var parts = storage.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToList();
        var relays = new List<Relay>();
        var relayed = parts.Select(p =>
        {
            if (!Endpoints.Contains(p[0]))
            {
                return $"{p[0]}={p[1]}";
            }

            var endpoint = new UriBuilder(p[1]);
            var relay = new Relay(endpoint.Port);
            relays.Add(relay);
            endpoint.Port = relay.Port;
            return $"{p[0]}={endpoint.Uri.ToString().TrimEnd('/')}";
        }).ToList();
        return new StorageRelay(relays, string.Join(';', relayed) + ";");
    }

    /// <summary>Whether storage can be reached; setting false cuts every open connection.</summary>
    public bool Up
    {
        get => _relays[0].Up;
        set => _relays.ForEach(r => r.Up = value);
    }

    /// <summary>Whether storage hangs: setting true holds every byte in both directions until set false again.</summary>
    public bool Frozen
    {
        get => _relays[0].Frozen;
        set => _relays.ForEach(r => r.Frozen = value);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays)
        {
            await relay.DisposeAsync();
        }
    }

    private sealed class Relay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly int _target;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<TcpClient> _open = [];
        private readonly Task _accepting;
        private volatile bool _up = true;
        private volatile TaskCompletionSource _flowing = Flowing();

        public Relay(int target)
        {
            _target = target;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public bool Up
        {
            get => _up;
            set
            {
                _up = value;
                if (!value)
                {
                    lock (_open)
                    {
                        _open.ForEach(c => c.Dispose());
                        _open.Clear();
                    }
                }
            }
        }

        public bool Frozen
        {
            get => !_flowing.Task.IsCompleted;
            set
            {
                if (value && !Frozen)
                {
                    _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                else if (!value)
                {
                    _flowing.TrySetResult();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            Frozen = false;
            await _stop.CancelAsync();
            _listener.Stop();
            Up = false;
            try
            {
                await _accepting;
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                if (!_up)
                {
                    client.Client.LingerState = new LingerOption(true, 0); // a reset, as from a host that is not there
                    client.Dispose();
                    continue;
                }

                _ = PipeAsync(client);
            }
        }

        private async Task PipeAsync(TcpClient client)
        {
            var server = new TcpClient();
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }

            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target);
                using var a = client.GetStream();
                using var b = server.GetStream();
                await Task.WhenAny(CopyAsync(a, b), CopyAsync(b, a));
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                // Cut by the test, or closed by either side.
            }
            finally
            {
                client.Dispose();
                server.Dispose();
            }
        }

        private static TaskCompletionSource Flowing()
        {
            var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            flowing.SetResult();
            return flowing;
        }

        /// <summary>Copies as read, each chunk held while the relay is frozen.</summary>
        private async Task CopyAsync(Stream from, Stream to)
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await _flowing.Task.WaitAsync(_stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
    }
}
