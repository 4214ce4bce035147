using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentIntake.Tests.Configuration;

/// <summary>AzureWebJobsStorage read as the Functions host reads it: a connection string, or identity-based settings.</summary>
public sealed class StorageOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["PaymentIntake:IdSecret"] = new string('s', 32);
        settings["Stripe:ApiKey"] = "sk_test_x";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPaymentIntake(configuration).BuildServiceProvider();
    }

    [Fact]
    public void ConnectionString_BuildsClientsFromIt()
    {
        using var services = Services(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        var queues = services.GetRequiredService<QueueServiceClient>();
        Assert.Equal("devstoreaccount1", queues.AccountName);
        Assert.True(services.GetRequiredService<IOptions<StorageOptions>>().Value.UsesConnectionString);
    }

    [Fact]
    public void AccountName_BuildsClientsForTheAccountWithTheNamedCredential()
    {
        using var services = Services(new()
        {
            ["AzureWebJobsStorage:accountName"] = "payfnabc123",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        Assert.Equal(new Uri("https://payfnabc123.queue.core.windows.net/"), services.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal(new Uri("https://payfnabc123.table.core.windows.net/"), services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().Uri);
        Assert.Equal(new Uri("https://payfnabc123.blob.core.windows.net/"), services.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>().Uri);
        Assert.IsType<ManagedIdentityCredential>(services.GetRequiredService<StorageCredential>().Value);
    }

    [Fact]
    public void ServiceUris_OverrideTheAccountName()
    {
        using var services = Services(new()
        {
            ["AzureWebJobsStorage:queueServiceUri"] = "https://q.example.net",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://t.example.net",
            ["AzureWebJobsStorage:blobServiceUri"] = "https://b.example.net",
        });

        Assert.Equal(new Uri("https://q.example.net/"), services.GetRequiredService<QueueServiceClient>().Uri);
    }

    [Theory]
    [InlineData(null, "AzureWebJobsStorage is required")]
    [InlineData("Not_An_Account", "accountName must be 3 to 24")]
    public void NeitherConnectionStringNorAccount_IsRefusedAtStart(string? account, string message)
    {
        using var services = Services(new() { ["AzureWebJobsStorage:accountName"] = account });
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
