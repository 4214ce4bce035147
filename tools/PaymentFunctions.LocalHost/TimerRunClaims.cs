using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentFunctions.LocalHost;

/// <summary>
/// One run per timer occurrence across every local host on the storage account, as the Timer extension's singleton
/// lock gives on Azure: the first host to insert the occurrence's row (table <c>timerruns</c>) runs it, the others skip.
/// </summary>
internal sealed class TimerRunClaims(TableServiceClient tables, IOptions<PaymentIntakeOptions> options)
{
    private readonly LazyTable _table = new(tables, StorageNames.Apply(options.Value.NamePrefix, "timerruns"));

    /// <summary>True when this host takes <paramref name="occurrence"/> of <paramref name="function"/>.</summary>
    public async Task<bool> TryClaimAsync(string function, DateTime occurrence, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(function, occurrence.Ticks.ToString("D19", CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }
}
