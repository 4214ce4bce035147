using Azure;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Payments;

/// <summary>
/// Point reads and writes of payment rows in table <c>payments</c>; it only stores. Status changes go through
/// <see cref="PaymentStateMachine"/>, which decides, stamps and counts, and then calls <see cref="TryReplaceAsync"/>.
/// </summary>
public sealed class PaymentStore(TableServiceClient tables, StorageNames names)
{
    private readonly LazyTable _table = new(tables, names.PaymentsTable);

    /// <summary>Inserts the row if no row has its id; returns false if one exists (the deduplication).</summary>
    public async Task<bool> TryInsertAsync(PaymentEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            entity.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Reads a row, or null when there is none.</summary>
    public async Task<PaymentEntity?> GetAsync(string paymentId, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<PaymentEntity>(paymentId, PaymentEntity.PaymentRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Replaces the row if nobody changed it since it was read (optimistic concurrency on the ETag); returns false if
    /// somebody did. Updates <paramref name="entity"/>'s ETag on success.
    /// </summary>
    public async Task<bool> TryReplaceAsync(PaymentEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        try
        {
            var response = await _table.Client.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            entity.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }
}
