using Azure;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Queue;

/// <summary>
/// Records each failed delivery of a <c>payments</c> message (table <c>messagefailures</c>, keyed by the body's hash),
/// so that when the host moves it to poison — which keeps no reason — the reason is still known.
/// </summary>
public sealed class MessageFailures(TableServiceClient tables, StorageNames names, TimeProvider time)
{
    private const string RowKey = "failure";
    private readonly LazyTable _table = new(tables, names.MessageFailuresTable);

    /// <summary>Adds one failed delivery (best effort: never hides the original exception).</summary>
    public async Task RecordAsync(string body, Exception exception, CancellationToken cancellationToken)
    {
        var description = FailureDescription.Of(exception);
        var key = Fingerprints.OfBody(body);
        var now = time.GetUtcNow();
        try
        {
            var table = await _table.ReadyAsync().ConfigureAwait(false);
            await OptimisticConcurrency.RetryAsync(3, async _ =>
            {
                var existing = await table.GetEntityIfExistsAsync<TableEntity>(key, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                var entity = existing.HasValue ? existing.Value! : new TableEntity(key, RowKey) { ["FirstFailedAt"] = now };
                entity["Attempts"] = (entity.GetInt32("Attempts") ?? 0) + 1;
                entity["ExceptionType"] = description.ExceptionType;
                entity["Message"] = description.Message;
                entity["Origin"] = description.Origin;
                entity["LastFailedAt"] = now;
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                }

                return true;
            }).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
        }
    }

    /// <summary>Takes the record of a body (reads and deletes it); null when there is none.</summary>
    public async Task<(FailureDescription Failure, int Attempts, DateTimeOffset? FirstFailedAt)?> TakeAsync(string body, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var key = Fingerprints.OfBody(body);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(key, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existing.HasValue)
        {
            return null;
        }

        var e = existing.Value!;
        await table.DeleteEntityAsync(key, RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        return (new FailureDescription(e.GetString("ExceptionType") ?? "unknown", e.GetString("Message") ?? "", e.GetString("Origin") ?? "unknown"),
            e.GetInt32("Attempts") ?? 0, e.GetDateTimeOffset("FirstFailedAt"));
    }
}
