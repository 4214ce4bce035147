using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;

namespace PaymentIntake.Storage;

/// <summary>
/// Builds the storage clients from <see cref="StorageOptions"/>: with the connection string when there is one
/// (Azurite, account keys), otherwise with the service URIs and the token credential that
/// <c>Microsoft.Extensions.Azure</c> builds from the same <c>AzureWebJobsStorage__credential</c> /
/// <c>__clientId</c> settings the Functions host reads (a managed identity on Azure; <c>DefaultAzureCredential</c>
/// when none is named). The only place a storage client is constructed.
/// </summary>
public sealed class StorageClients(IOptions<StorageOptions> options, IOptions<PaymentIntakeOptions> intake, StorageCredential credential, StorageMetrics metrics)
{
    private readonly StorageOptions _options = options.Value;
    private readonly TimeSpan _tryTimeout = intake.Value.StorageTryTimeout;

    /// <summary>The queue service, encoding messages as the trigger expects them (base64) or raw.</summary>
    public QueueServiceClient Queues(QueueMessageEncoding encoding) =>
        _options.UsesConnectionString
            ? new QueueServiceClient(_options.ConnectionString, Budgeted(metrics.QueueOptions(encoding)))
            : new QueueServiceClient(_options.QueueUri(), credential.Value, Budgeted(metrics.QueueOptions(encoding)));

    /// <summary>The table service.</summary>
    public TableServiceClient Tables() =>
        _options.UsesConnectionString
            ? new TableServiceClient(_options.ConnectionString, Budgeted(new TableClientOptions()))
            : new TableServiceClient(_options.TableUri(), credential.Value, Budgeted(new TableClientOptions()));

    /// <summary>The blob service.</summary>
    public BlobServiceClient Blobs() =>
        _options.UsesConnectionString
            ? new BlobServiceClient(_options.ConnectionString, Budgeted(new BlobClientOptions()))
            : new BlobServiceClient(_options.BlobUri(), credential.Value, Budgeted(new BlobClientOptions()));

    /// <summary>Every client's tries held to <c>PaymentIntake:StorageTryTimeout</c> and to the request's <see cref="StorageBudget"/>.</summary>
    private T Budgeted<T>(T clientOptions)
        where T : ClientOptions
    {
        clientOptions.Retry.NetworkTimeout = _tryTimeout;
        clientOptions.RetryPolicy = new StorageRetryPolicy(_tryTimeout);
        return clientOptions;
    }
}

/// <summary>The token credential for identity-based storage, built once (lazily: a connection string needs none).</summary>
public sealed class StorageCredential(Func<TokenCredential> create)
{
    private readonly Lazy<TokenCredential> _value = new(create);

    /// <summary>The credential.</summary>
    public TokenCredential Value => _value.Value;
}
