using Azure;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Payments;

/// <summary>
/// Point reads and writes of payment rows in table <c>payments</c>, mapping each <see cref="Payment"/> to its
/// <see cref="PaymentRow"/>; it only stores. Saves of a payment's moves go through <see cref="PaymentRepository"/>,
/// which stamps and does what follows a move, and then calls <see cref="TryReplaceAsync"/>. A write that carries moves
/// (<see cref="Payment.PendingMoves"/>) is one entity-group transaction of the row and its history entities
/// (<see cref="PaymentMoveEntity"/>, same partition): both are stored, or neither.
/// </summary>
public sealed class PaymentStore(TableServiceClient tables, StorageNames names)
{
    private readonly LazyTable _table = new(tables, names.PaymentsTable);

    /// <summary>Inserts the row if no row has its id; returns false if one exists (the deduplication).</summary>
    internal async Task<bool> TryInsertAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        payment.NoteRecorded();
        try
        {
            await WriteAsync(table, payment, new TableTransactionAction(TableTransactionActionType.Add, payment.ToRow()), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// A payment's history, oldest move first, from one query of its partition: move 1 (recorded) from the row itself,
    /// the later ones from their entities. Empty when there is no such payment.
    /// </summary>
    public async Task<IReadOnlyList<PaymentMove>> GetHistoryAsync(string paymentId, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {paymentId}");
        var moves = new List<PaymentMove>();
        PaymentMove? recorded = null;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entity.RowKey == PaymentRow.PaymentRowKey)
            {
                recorded = Payment.RecordedMove(
                    entity.GetDateTimeOffset(nameof(PaymentRow.AcceptedAt)) ?? default, entity.GetString(nameof(PaymentRow.BatchId)), entity.GetString(nameof(PaymentRow.SubmittedBy)));
            }
            else if (entity.RowKey.StartsWith(PaymentMoveEntity.Prefix, StringComparison.Ordinal))
            {
                moves.Add(PaymentMoveEntity.FromEntity(entity));
            }
        }

        return recorded is null ? [] : [recorded, .. moves.Where(m => m.Sequence > 1)];
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
            await WriteAsync(_table.Client, payment, new TableTransactionAction(TableTransactionActionType.UpdateReplace, payment.ToRow(), payment.Version), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes the row alone (one point operation) when it carries no move, else the row and its moves in one
    /// transaction (the moves are added, so a sequence written twice fails the whole write with 409; the row's ETag
    /// guards against that first, with 412). Then the payment knows its new ETag, stored status and history.
    /// </summary>
    private static async Task WriteAsync(TableClient table, Payment payment, TableTransactionAction row, CancellationToken cancellationToken)
    {
        var moves = payment.PendingMoves;
        ETag etag;
        if (moves.Count == 0)
        {
            var entity = (PaymentRow)row.Entity;
            var response = row.ActionType == TableTransactionActionType.Add
                ? await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            etag = response.Headers.ETag ?? default;
        }
        else
        {
            var actions = new List<TableTransactionAction>(moves.Count + 1) { row };
            actions.AddRange(moves.Select(move => new TableTransactionAction(TableTransactionActionType.Add, PaymentMoveEntity.ToEntity(payment.PaymentId, move))));
            var response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            etag = response.Value[0].Headers.ETag ?? default;
        }

        payment.Version = etag;
        payment.StoredStatus = payment.Status;
        payment.MovesStored();
    }
}
