using System.Globalization;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Payments;

/// <summary>
/// The payments that reached <c>posted</c>, by the hour they did (table <c>paymentsposted</c>: PartitionKey the UTC hour,
/// <c>yyyyMMddHH</c>; RowKey the payment id), so the reconciliation with Stripe finds "our payments posted in a window"
/// with one key-range query instead of a scan of table <c>payments</c>. <see cref="PaymentRepository"/> writes the entry
/// before the row says <c>posted</c>, so no posted row is ever missing from it; an entry whose save then lost its race
/// names a payment that is not (yet) posted, and the reconciliation reads the row, the truth, before it judges.
/// </summary>
public sealed class PostedIndex(TableServiceClient tables, StorageNames names)
{
    private readonly LazyTable _table = new(tables, names.PaymentsPostedTable);

    /// <summary>The partition (UTC hour) of an instant.</summary>
    public static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    /// <summary>Notes that <paramref name="paymentId"/> is posted at <paramref name="at"/>.</summary>
    public async Task AddAsync(string paymentId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(Hour(at), paymentId), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ids noted in the hours from <paramref name="from"/>'s to <paramref name="to"/>'s (both included), each once.</summary>
    public async Task<IReadOnlyCollection<string>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Hour(from)} and PartitionKey le {Hour(to)}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(entity.RowKey);
        }

        return ids;
    }
}
