using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Payments;

/// <summary>
/// An index of payments by member (table <c>paymentsbymember</c>: PartitionKey = member id, RowKey = payment id,
/// <c>AcceptedAt</c>, <c>SubmittedBy</c>), so a member's payments are found with one partition query, never a scan of table
/// <c>payments</c>. <see cref="PaymentRepository"/> writes a payment's entry before its row (an entry without a row —
/// a crash in between, or the loser of a duplicate — is skipped by readers); entries are never removed, as payments
/// are not. Member ids are letters, digits, <c>-</c> and <c>_</c> (the intake and batch validators), all valid in a key.
/// </summary>
public sealed class MemberIndex(TableServiceClient tables, StorageNames names)
{
    private const string AcceptedAtColumn = "AcceptedAt";
    private const string SubmittedByColumn = "SubmittedBy";
    private readonly LazyTable _table = new(tables, (names ?? throw new ArgumentNullException(nameof(names))).PaymentsByMemberTable);

    /// <summary>Adds the payment's entry (idempotent: the same payment writes the same entry).</summary>
    public async Task AddAsync(string memberId, string paymentId, DateTimeOffset acceptedAt, string? submittedBy, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(memberId, paymentId) { [AcceptedAtColumn] = acceptedAt, [SubmittedByColumn] = submittedBy }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The member's payment ids, newest accepted first, at most <paramref name="limit"/> of them; only those
    /// <paramref name="submittedBy"/> submitted, unless it is null.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListAsync(string memberId, string? submittedBy, int limit, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var entries = new List<(string PaymentId, DateTimeOffset AcceptedAt)>();
        var filter = submittedBy is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {memberId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {memberId} and SubmittedBy eq {submittedBy}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["RowKey", AcceptedAtColumn], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add((entity.RowKey, entity.GetDateTimeOffset(AcceptedAtColumn) ?? default));
        }

        return entries.OrderByDescending(e => e.AcceptedAt).ThenBy(e => e.PaymentId, StringComparer.Ordinal).Take(limit).Select(e => e.PaymentId).ToList();
    }
}
