using PaymentFunctions.LocalHost;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>One Azurite for the end-to-end collection (each test still gets fresh queues and tables).</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Accounts for a run on the real host: one per system it starts (its queue triggers name fixed queues).</summary>
    private const int RealHostAccounts = 400;

    private AzuriteProcess? _azurite;
    private int _accountsTaken;

    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not started.");

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync(accounts: TestHosts.Kind == HostKind.Real ? RealHostAccounts : 0);

    /// <summary>The connection string of a storage account no test has used yet.</summary>
    public string NewAccount()
    {
        var accounts = _azurite?.Accounts ?? throw new InvalidOperationException("Azurite is not started.");
        var index = Interlocked.Increment(ref _accountsTaken) - 1;
        return index < accounts.Count
            ? _azurite.ConnectionStringFor(accounts[index])
            : throw new InvalidOperationException($"All {accounts.Count} storage accounts of this run's Azurite are taken.");
    }

    public async Task DisposeAsync()
    {
        await TestSystem.DisposePreparedAsync();
        await StoppingHosts.AllStoppedAsync();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEnd : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "end to end";
}
