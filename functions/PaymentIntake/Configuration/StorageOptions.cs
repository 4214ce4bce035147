using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>The storage account, read from <c>AzureWebJobsStorage</c> as the Functions host does.</summary>
public sealed class StorageOptions
{
    /// <summary>The setting that holds the connection string.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>Connection string of the storage account (queues and tables).</summary>
    [Required(ErrorMessage = "AzureWebJobsStorage (the storage connection string) is required.")]
    public string ConnectionString { get; set; } = "";
}
