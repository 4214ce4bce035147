using System.Net;
using System.Net.Sockets;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentIntake.Tests.Storage;

/// <summary>The request's storage budget (PaymentIntake:StorageTimeout) and the retry policy that keeps to it.</summary>
public sealed class StorageBudgetTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["PaymentIntake:IdSecret"] = new string('s', 32);
        settings["Stripe:ApiKey"] = "sk_test_x";
        settings.TryAdd("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        return new ServiceCollection().AddLogging().AddPaymentIntake(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
    }

    [Fact]
    public void Budget_StartsAtTheFirstStorageCall_AndIsSpentAfterItsTotal()
    {
        var time = new FakeTimeProvider();
        using (StorageBudget.Begin(TimeSpan.FromSeconds(6), time))
        {
            time.Advance(TimeSpan.FromSeconds(30)); // reading a large upload before any storage call does not count
            var budget = StorageBudget.Current!;
            Assert.Equal(TimeSpan.FromSeconds(6), budget.Remaining());
            time.Advance(TimeSpan.FromSeconds(4));
            Assert.Equal(TimeSpan.FromSeconds(2), budget.Remaining());
            time.Advance(TimeSpan.FromSeconds(3));
            Assert.True(budget.Remaining() < TimeSpan.Zero);
        }

        Assert.Null(StorageBudget.Current);
    }

    [Fact]
    public void Budget_Nested_RestoresTheOuterOnDispose()
    {
        using var outer = StorageBudget.Begin(TimeSpan.FromSeconds(6), TimeProvider.System);
        using (StorageBudget.Begin(TimeSpan.FromSeconds(2), TimeProvider.System))
        {
            Assert.Equal(TimeSpan.FromSeconds(2), StorageBudget.Current!.Total);
        }

        Assert.Equal(TimeSpan.FromSeconds(6), StorageBudget.Current!.Total);
    }

    [Fact]
    public void Options_TryTimeoutLongerThanTheBudget_IsRefusedNamingBoth()
    {
        using var services = Services(new() { ["PaymentIntake:StorageTimeout"] = "00:00:02", ["PaymentIntake:StorageTryTimeout"] = "00:00:05" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PaymentIntakeOptions>>().Value);

        Assert.Contains("PaymentIntake:StorageTryTimeout (00:00:05) must not be longer than PaymentIntake:StorageTimeout (00:00:02)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:05:00")]
    public void Options_BudgetOutOfRange_IsRefused(string value)
    {
        using var services = Services(new() { ["PaymentIntake:StorageTimeout"] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PaymentIntakeOptions>>().Value);

        Assert.Contains("PaymentIntake:StorageTimeout must be from 00:00:01 to 00:01:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AreSixSecondsInAllAndThreePerTry()
    {
        using var services = Services([]);

        var options = services.GetRequiredService<IOptions<PaymentIntakeOptions>>().Value;

        Assert.Equal((TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(3)), (options.StorageTimeout, options.StorageTryTimeout));
    }

    /// <summary>
    /// A storage endpoint that takes the connection and never answers (a real socket): inside a budget the call ends
    /// in a <see cref="StorageTimeoutException"/> that counts as "storage unavailable", not in the SDK's bare
    /// cancellation after 100 s per try.
    /// </summary>
    [Fact]
    public async Task HungStorage_InsideABudget_EndsInAStorageTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(backlog: 16);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var services = Services(new()
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
            ["PaymentIntake:StorageTimeout"] = "00:00:01",
            ["PaymentIntake:StorageTryTimeout"] = "00:00:01",
        });
        var queue = services.GetRequiredService<QueueServiceClient>().GetQueueClient("payments");

        Exception thrown;
        using (StorageBudget.Begin(TimeSpan.FromSeconds(1), TimeProvider.System))
        {
            thrown = await Assert.ThrowsAnyAsync<Exception>(() => queue.GetPropertiesAsync());
        }

        Assert.True(StorageFaults.IsUnavailable(thrown), thrown.ToString());
        Assert.Contains(Flatten(thrown), e => e is StorageTimeoutException);
    }

    /// <summary>What the SDK ends in when storage is away: each counts as unavailable, alone or as every try of an aggregate; a bug does not.</summary>
    [Fact]
    public void Faults_TransportFailures_AreUnavailable_ButNotOtherErrors()
    {
        Exception[] away =
        [
            new Azure.RequestFailedException(0, "connection refused"),
            new Azure.RequestFailedException(503, "server busy"),
            new HttpRequestException("no route"),
            new StorageTimeoutException(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6), new TaskCanceledException()),
        ];

        Assert.All(away, e => Assert.True(StorageFaults.IsUnavailable(e), e.GetType().Name));
        Assert.True(StorageFaults.IsUnavailable(new AggregateException(away)));
        Assert.False(StorageFaults.IsUnavailable(new Azure.RequestFailedException(403, "forbidden")));
        Assert.False(StorageFaults.IsUnavailable(new AggregateException(new HttpRequestException("reset"), new InvalidOperationException("bug"))));
        Assert.False(StorageFaults.IsUnavailable(new InvalidOperationException("bug")));
        Assert.False(StorageFaults.IsUnavailable(new IOException("a client's broken request body"))); // only the storage policy speaks for storage
    }

    /// <summary>
    /// Storage that cuts the connection while its answer is read (a real socket: headers, then part of the body,
    /// then gone): the policy reports it as status 0, as a refused connection — storage unavailable.
    /// </summary>
    [Fact]
    public async Task StorageCuttingItsAnswer_InsideABudget_EndsInStorageUnavailable()
    {
        using var cutting = new TcpListener(IPAddress.Loopback, 0);
        cutting.Start();
        var port = ((IPEndPoint)cutting.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await cutting.AcceptTcpClientAsync(stop.Token);
                var stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[4096], stop.Token);
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/xml\r\n\r\n<partial"u8.ToArray(), stop.Token);
            }
        });
        using var services = Services(new()
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
            ["PaymentIntake:StorageTimeout"] = "00:00:01",
            ["PaymentIntake:StorageTryTimeout"] = "00:00:01",
        });
        var queue = services.GetRequiredService<QueueServiceClient>().GetQueueClient("payments");

        Exception thrown;
        using (StorageBudget.Begin(TimeSpan.FromSeconds(1), TimeProvider.System))
        {
            thrown = await Assert.ThrowsAnyAsync<Exception>(() => queue.GetPropertiesAsync());
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serving);
        Assert.True(StorageFaults.IsUnavailable(thrown), thrown.ToString());
    }

    private static IEnumerable<Exception> Flatten(Exception exception) =>
        exception is AggregateException aggregate ? aggregate.InnerExceptions.SelectMany(Flatten) : [exception];
}
