using Azure;
using Azure.Data.Tables;
using PaymentIntake.Payments;

namespace PaymentIntake.Storage;

/// <summary>
/// Point reads and writes of payment rows in table storage. A write that moves a payment into a final status is
/// counted (<see cref="StatusCounters"/>) for the operations status.
/// </summary>
public sealed class PaymentStore(TableServiceClient tables, StorageNames names, StatusCounters counters)
{
    private readonly LazyTable _table = new(tables, names.PaymentsTable);

    /// <summary>Inserts the row if no row has its id; returns false if one exists (the deduplication).</summary>
    public async Task<bool> TryInsertAsync(PaymentEntity entity, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            entity.ETag = response.Headers.ETag ?? default;
            entity.StoredStatus = entity.Status;
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
        if (!response.HasValue)
        {
            return null;
        }

        var row = response.Value!;
        row.StoredStatus = row.Status;
        return row;
    }

    /// <summary>
    /// Replaces the row if nobody changed it since it was read (optimistic concurrency on the ETag);
    /// returns false if somebody did. Updates <paramref name="entity"/>'s ETag on success, and counts the payment
    /// when this write moved it into a final status.
    /// </summary>
    public async Task<bool> TryReplaceAsync(PaymentEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        try
        {
            var response = await _table.Client.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            entity.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }

        var reachedFinal = entity.Status != entity.StoredStatus && PaymentStatus.IsFinal(entity.Status);
        entity.StoredStatus = entity.Status;
        if (reachedFinal)
        {
            await counters.CountAsync(entity.Status, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
