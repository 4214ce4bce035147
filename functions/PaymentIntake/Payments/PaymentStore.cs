using Azure;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Payments;

/// <summary>
/// Point reads and writes of payment rows in table <c>payments</c>, mapping each <see cref="Payment"/> to its
/// <see cref="PaymentRow"/>; it only stores. Saves of a payment's moves go through <see cref="PaymentRepository"/>,
/// which stamps and does what follows a move, and then calls <see cref="TryReplaceAsync"/>.
/// </summary>
public sealed class PaymentStore(TableServiceClient tables, StorageNames names)
{
    private readonly LazyTable _table = new(tables, names.PaymentsTable);

    /// <summary>Inserts the row if no row has its id; returns false if one exists (the deduplication).</summary>
    internal async Task<bool> TryInsertAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(payment.ToRow(), cancellationToken).ConfigureAwait(false);
            payment.Version = response.Headers.ETag ?? default;
            payment.StoredStatus = payment.Status;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Reads a row, or null when there is none.</summary>
    public async Task<Payment?> GetAsync(string paymentId, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<PaymentRow>(paymentId, PaymentRow.PaymentRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? Payment.FromRow(response.Value!) : null;
    }

    /// <summary>
    /// Replaces the row if nobody changed it since it was read (optimistic concurrency on the ETag); returns false if
    /// somebody did. Updates <paramref name="payment"/>'s ETag and stored status on success.
    /// </summary>
    internal async Task<bool> TryReplaceAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        try
        {
            var response = await _table.Client.UpdateEntityAsync(payment.ToRow(), payment.Version, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            payment.Version = response.Headers.ETag ?? default;
            payment.StoredStatus = payment.Status;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }
}
