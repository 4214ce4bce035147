using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>
/// The storage account, read from <c>AzureWebJobsStorage</c> exactly as the Functions host reads it: either a connection
/// string (Azurite, or an account key) as the setting's value, or identity-based settings under it —
/// <c>AzureWebJobsStorage__accountName</c> (or the three <c>__queueServiceUri</c>, <c>__tableServiceUri</c>,
/// <c>__blobServiceUri</c>) with <c>__credential</c> / <c>__clientId</c> for the managed identity
/// (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    /// <summary>The setting (and configuration section) of the storage account.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>Connection string of the storage account; empty when identity-based settings are used.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Identity-based: the account name; the service URIs follow as <c>https://{name}.{service}.core.windows.net</c>.</summary>
    public string? AccountName { get; set; }

    /// <summary>Identity-based: the queue service URI (overrides the one derived from <see cref="AccountName"/>).</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Identity-based: the table service URI (overrides the one derived from <see cref="AccountName"/>).</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Identity-based: the blob service URI (overrides the one derived from <see cref="AccountName"/>).</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>True when the account is reached with a connection string rather than an identity.</summary>
    public bool UsesConnectionString => !string.IsNullOrEmpty(ConnectionString);

    /// <summary>The queue service URI in use with an identity.</summary>
    public Uri QueueUri() => QueueServiceUri ?? Derived("queue");

    /// <summary>The table service URI in use with an identity.</summary>
    public Uri TableUri() => TableServiceUri ?? Derived("table");

    /// <summary>The blob service URI in use with an identity.</summary>
    public Uri BlobUri() => BlobServiceUri ?? Derived("blob");

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesConnectionString)
        {
            yield break;
        }

        if (string.IsNullOrEmpty(AccountName) && (QueueServiceUri is null || TableServiceUri is null || BlobServiceUri is null))
        {
            yield return new ValidationResult(
                "AzureWebJobsStorage is required: a connection string, or AzureWebJobsStorage__accountName (or __queueServiceUri, __tableServiceUri and __blobServiceUri) for a managed identity.",
                [nameof(ConnectionString)]);
        }
        else if (AccountName is { Length: > 0 } name && !System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9]{3,24}$"))
        {
            yield return new ValidationResult("AzureWebJobsStorage__accountName must be 3 to 24 lower-case letters or digits.", [nameof(AccountName)]);
        }
    }

    private Uri Derived(string service) =>
        string.IsNullOrEmpty(AccountName)
            ? throw new InvalidOperationException($"No {service} service URI: set AzureWebJobsStorage__accountName or AzureWebJobsStorage__{service}ServiceUri.")
            : new Uri($"https://{AccountName}.{service}.core.windows.net");
}
