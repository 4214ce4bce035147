using System.Collections.Concurrent;
using System.Text;
using Azure.Storage.Queues;
using Microsoft.Azure.WebJobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PaymentFunctions.LocalHost;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;
using Worker = Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.Tests.LocalHost;

/// <summary>
/// The local host's queue pump against the real thing: the same messages, on Azurite, go to the Storage Queues
/// extension 5.3.10 (the listener the Functions host runs, inside a WebJobs host here) and to the local host's
/// <see cref="QueueTriggerPump"/>, and what each did — which bodies the function saw, what the poison queue holds, what
/// stays in the queue, how long a failed message stayed invisible — must be the same. Each case also states what the
/// real listener does, so a change in either shows.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class QueueListenerDifferentialTests(AzuriteFixture azurite)
{
    private const int MaxDequeueCount = 3;
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(1);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task SucceedingMessage_RunsOnce_AndIsDeleted()
    {
        var (real, local) = await BothAsync([Base64("""{"paymentId":"p-1"}""")], expectedInvocations: 1, expectedPoison: 0);
        Assert.Equal(["""{"paymentId":"p-1"}"""], real.Invocations);
        Assert.Equal(real, local);
    }

    [Fact]
    public async Task FailingMessage_RunsMaxDequeueCountTimes_ThenItsStoredBodyGoesToPoison()
    {
        var (real, local) = await BothAsync([Base64("fail: always")], expectedInvocations: MaxDequeueCount, expectedPoison: 1);
        Assert.Equal(Enumerable.Repeat("fail: always", MaxDequeueCount), real.Invocations);
        Assert.Equal([Base64("fail: always")], real.Poison);
        Assert.Equal(real, local);
    }

    [Fact]
    public async Task FailedMessage_StaysInvisibleForTheVisibilityTimeout()
    {
        var (real, local) = await BothAsync([Base64("fail: timed")], expectedInvocations: MaxDequeueCount, expectedPoison: 1);
        Assert.True(real.ShortestGapBetweenAttempts >= VisibilityTimeout * 0.9, $"real listener retried after {real.ShortestGapBetweenAttempts}");
        Assert.True(local.ShortestGapBetweenAttempts >= VisibilityTimeout * 0.9, $"local pump retried after {local.ShortestGapBetweenAttempts}");
    }

    [Fact]
    public async Task BodyThatIsNotBase64_GoesToPoison_WithoutRunningTheFunction()
    {
        var (real, local) = await BothAsync(["not base64: {\"paymentId\":\"p-2\"}"], expectedInvocations: 0, expectedPoison: 1);
        Assert.Empty(real.Invocations);
        Assert.Single(real.Poison);
        Assert.Equal(real, local);
    }

    [Fact]
    public async Task DequeueCountAlreadyPastTheMaximum_GoesToPoison_WithoutRunningTheFunction()
    {
        var (real, local) = await BothAsync([Base64("received too often")], expectedInvocations: 0, expectedPoison: 1, receivesBefore: MaxDequeueCount);
        Assert.Empty(real.Invocations);
        Assert.Equal([Base64("received too often")], real.Poison);
        Assert.Equal(real, local);
    }

    [Fact]
    public async Task MixedMessages_EachHasItsOwnFate()
    {
        string[] bodies = [Base64("ok-a"), Base64("fail: b"), "%%%", Base64("ok-c")];
        var (real, local) = await BothAsync(bodies, expectedInvocations: 2 + MaxDequeueCount, expectedPoison: 2);
        Assert.Equal(["fail: b", "fail: b", "fail: b", "ok-a", "ok-c"], real.Invocations);
        Assert.Equal(["%%%", Base64("fail: b")], real.Poison);
        Assert.Equal(real, local);
    }

    private async Task<(Outcome Real, Outcome Local)> BothAsync(string[] rawBodies, int expectedInvocations, int expectedPoison, int receivesBefore = 0)
    {
        var real = await RunAsync(rawBodies, receivesBefore, expectedInvocations, expectedPoison, StartRealListenerAsync);
        var local = await RunAsync(rawBodies, receivesBefore, expectedInvocations, expectedPoison, StartLocalPumpAsync);
        return (real, local);
    }

    private async Task<Outcome> RunAsync(
        string[] rawBodies,
        int receivesBefore,
        int expectedInvocations,
        int expectedPoison,
        Func<string, Recorder, Task<IAsyncDisposable>> start)
    {
        var queueName = $"diff{Guid.NewGuid():N}"[..24];
        var service = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var queue = service.GetQueueClient(queueName);
        var poison = service.GetQueueClient(QueueNames.PoisonOf(queueName));
        await queue.CreateAsync();
        await poison.CreateAsync();
        try
        {
            foreach (var body in rawBodies)
            {
                await queue.SendMessageAsync(body);
            }

            for (var i = 0; i < receivesBefore; i++)
            {
                var received = (await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value;
                Assert.NotNull(received);
                await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }

            var recorder = new Recorder();
            await using (await start(queueName, recorder))
            {
                await Poll.UntilAsync(
                    async () => (Invoked: recorder.Invocations.Count,
                        Poisoned: (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount,
                        Left: (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount),
                    s => s.Invoked >= expectedInvocations && s.Poisoned >= expectedPoison && s.Left == 0,
                    TimeSpan.FromSeconds(60),
                    s => $"{queueName}: expected {expectedInvocations} invocations, {expectedPoison} poisoned, queue empty; saw {s}");
            }

            var poisoned = (await poison.ReceiveMessagesAsync(32)).Value.Select(m => m.MessageText).Order(StringComparer.Ordinal).ToList();
            var times = recorder.Invocations.Select(i => i.At).Order().ToList();
            var gaps = times.Zip(times.Skip(1), (a, b) => b - a).Where(g => g > TimeSpan.FromMilliseconds(200)).DefaultIfEmpty(TimeSpan.MaxValue);
            return new Outcome(recorder.Invocations.Select(i => i.Body).Order(StringComparer.Ordinal).ToList(), poisoned) { ShortestGapBetweenAttempts = gaps.Min() };
        }
        finally
        {
            await queue.DeleteIfExistsAsync();
            await poison.DeleteIfExistsAsync();
        }
    }

    private async Task<IAsyncDisposable> StartRealListenerAsync(string queueName, Recorder recorder)
    {
        var host = new HostBuilder()
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["DifferentialQueue"] = queueName,
            }))
            .ConfigureWebJobs(b => b.AddAzureStorageQueues(o =>
            {
                o.BatchSize = 4;
                o.NewBatchThreshold = 2;
                o.MaxDequeueCount = MaxDequeueCount;
                o.VisibilityTimeout = VisibilityTimeout;
                o.MaxPollingInterval = TimeSpan.FromMilliseconds(500);
            }))
            .ConfigureServices(s =>
            {
                s.AddSingleton(recorder);
                s.AddSingleton<ITypeLocator>(new OnlyTypes(typeof(RealListenerFunction)));
            })
            .Build();
        await host.StartAsync();
        return new Stoppable(async () =>
        {
            await host.StopAsync();
            host.Dispose();
        });
    }

    private async Task<IAsyncDisposable> StartLocalPumpAsync(string queueName, Recorder recorder)
    {
        var services = new ServiceCollection()
            .AddSingleton(recorder)
            .AddSingleton(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString }))
            .AddSingleton(Options.Create(new PaymentIntakeOptions()))
            .AddSingleton(new StorageCredential(() => throw new InvalidOperationException("connection string only")))
            .AddSingleton<StorageMetrics>()
            .AddSingleton<StorageClients>()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .BuildServiceProvider();
        var settings = new HostSettings("api", BatchSize: 4, NewBatchThreshold: 2, MaxDequeueCount, VisibilityTimeout, TimeSpan.FromMilliseconds(500), Base64Messages: true);
        var function = new QueueFunction(nameof(LocalPumpFunction), typeof(LocalPumpFunction).GetMethod(nameof(LocalPumpFunction.Run))!, queueName);
        var pump = ActivatorUtilities.CreateInstance<QueueTriggerPump>(services, function, settings);
        await pump.StartAsync(CancellationToken.None);
        return new Stoppable(async () =>
        {
            await pump.StopAsync(CancellationToken.None);
            pump.Dispose();
            await services.DisposeAsync();
        });
    }

    /// <summary>What a listener did with the messages (bodies sorted, so the order of concurrent runs does not matter).</summary>
    private sealed record Outcome(IReadOnlyList<string> Invocations, IReadOnlyList<string> Poison)
    {
        public TimeSpan ShortestGapBetweenAttempts { get; init; }

        public bool Equals(Outcome? other) => other is not null && Invocations.SequenceEqual(other.Invocations) && Poison.SequenceEqual(other.Poison);

        public override int GetHashCode() => HashCode.Combine(Invocations.Count, Poison.Count);

        public override string ToString() => $"invoked [{string.Join(", ", Invocations)}], poison [{string.Join(", ", Poison)}]";
    }

    private sealed class Stoppable(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }

    private sealed class OnlyTypes(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }
}

/// <summary>Records what a listener handed the function; a body starting with <c>fail</c> throws.</summary>
public sealed class Recorder
{
    public ConcurrentQueue<(string Body, DateTimeOffset At)> Invocations { get; } = new();

    public Task HandleAsync(string body)
    {
        Invocations.Enqueue((body, DateTimeOffset.UtcNow));
        return body.StartsWith("fail", StringComparison.Ordinal) ? throw new InvalidOperationException(body) : Task.CompletedTask;
    }
}

/// <summary>The function as the real listener runs it (WebJobs attribute, queue name from configuration).</summary>
public sealed class RealListenerFunction(Recorder recorder)
{
    public Task Run([QueueTrigger("%DifferentialQueue%")] string body) => recorder.HandleAsync(body);
}

/// <summary>The same function as the local host runs it (worker attribute; the queue name comes from the test).</summary>
public sealed class LocalPumpFunction(Recorder recorder)
{
    [Worker.Function(nameof(LocalPumpFunction))]
    public Task Run([Worker.QueueTrigger("differential")] string body) => recorder.HandleAsync(body);
}
