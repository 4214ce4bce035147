using PaymentFunctions.LocalHost;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>One Azurite for the end-to-end collection (each test still gets fresh queues and tables).</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not started.");

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync()
    {
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
