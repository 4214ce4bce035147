using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Reconciliation.Books;

/// <summary>
/// The reports: table <c>reconciliations</c> (partition <c>report</c>, RowKey the report's id; a few hundred rows a year)
/// and their mismatches in table <c>reconciliationmismatches</c> (PartitionKey the report's id, RowKey <c>m.000001</c>…,
/// written in entity-group transactions of 100 before the report says complete); and the charges still pending
/// (partition <c>pending</c> of table <c>reconciliations</c>, RowKey the payment id), judged again by every run.
/// </summary>
public sealed class ReconciliationStore(TableServiceClient tables, StorageNames names)
{
    private const string Partition = "report";
    private const string PendingPartition = "pending";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly LazyTable _reports = new(tables, names.ReconciliationsTable);
    private readonly LazyTable _mismatches = new(tables, names.ReconciliationMismatchesTable);

    /// <summary>A report (without its mismatches) and its ETag, or null.</summary>
    public async Task<(ReconciliationReport Report, ETag ETag)?> GetAsync(string reconciliationId, CancellationToken cancellationToken)
    {
        var table = await _reports.ReadyAsync().ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, reconciliationId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? (FromEntity(response.Value!), response.Value!.ETag) : null;
    }

    /// <summary>A report with its kept mismatches, or null.</summary>
    public async Task<ReconciliationReport?> GetWholeAsync(string reconciliationId, CancellationToken cancellationToken)
    {
        if (await GetAsync(reconciliationId, cancellationToken).ConfigureAwait(false) is not { Report: var report })
        {
            return null;
        }

        if (report.Summary is not { MismatchesKept: > 0 } summary)
        {
            return report;
        }

        var mismatches = await _mismatches.ReadyAsync().ConfigureAwait(false);
        var kept = new List<Mismatch>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {reconciliationId} and RowKey le {MismatchKey(summary.MismatchesKept)}");
        await foreach (var e in mismatches.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            kept.Add(JsonSerializer.Deserialize<Mismatch>(e.GetString("Json")!, Json)!);
        }

        return report with { Mismatches = kept };
    }

    /// <summary>The reports, newest requested first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<ReconciliationReport>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var table = await _reports.ReadyAsync().ConfigureAwait(false);
        var reports = new List<ReconciliationReport>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            reports.Add(FromEntity(e));
        }

        return reports.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.ReconciliationId, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>Adds a new report; false when one with its id exists.</summary>
    public async Task<bool> TryAddAsync(ReconciliationReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = await _reports.ReadyAsync().ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(ToEntity(report), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces a report if nobody changed it since <paramref name="etag"/> (any ETag: unconditionally); false if somebody did.</summary>
    public async Task<bool> TrySaveAsync(ReconciliationReport report, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = await _reports.ReadyAsync().ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(ToEntity(report), etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (OptimisticConcurrency.IsConflict(ex))
        {
            return false;
        }
    }

    /// <summary>Writes the mismatches kept with a report (replacing any of an earlier run), 100 to a transaction.</summary>
    public async Task WriteMismatchesAsync(string reconciliationId, IReadOnlyList<Mismatch> mismatches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mismatches);
        var table = await _mismatches.ReadyAsync().ConfigureAwait(false);
        for (var start = 0; start < mismatches.Count; start += 100)
        {
            var actions = mismatches.Skip(start).Take(100).Select((m, i) => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace,
                new TableEntity(reconciliationId, MismatchKey(start + i + 1)) { ["Json"] = JsonSerializer.Serialize(m, Json) }));
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The charges left pending by earlier runs.</summary>
    public async Task<IReadOnlyList<PendingCharge>> ListPendingAsync(CancellationToken cancellationToken)
    {
        var table = await _reports.ReadyAsync().ConfigureAwait(false);
        var pending = new List<PendingCharge>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == PendingPartition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            pending.Add(new PendingCharge(e.RowKey, e.GetString("StripeObject") ?? ""));
        }

        return pending;
    }

    /// <summary>Notes the charges still pending after a run and forgets the ones it judged (<paramref name="judged"/>).</summary>
    public async Task UpdatePendingAsync(IReadOnlyList<PendingCharge> pending, IEnumerable<string> judged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var table = await _reports.ReadyAsync().ConfigureAwait(false);
        foreach (var charge in pending)
        {
            await table.UpsertEntityAsync(new TableEntity(PendingPartition, charge.PaymentId) { ["StripeObject"] = charge.StripeObject }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        foreach (var paymentId in judged)
        {
            await table.DeleteEntityAsync(PendingPartition, paymentId, ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string MismatchKey(int number) => "m." + number.ToString("D6", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(ReconciliationReport r) => new(Partition, r.ReconciliationId)
    {
        ["Trigger"] = r.Trigger,
        ["RequestedBy"] = r.RequestedBy,
        ["RequestedAt"] = r.RequestedAt,
        ["From"] = r.Window.From,
        ["To"] = r.Window.To,
        ["Status"] = r.Status,
        ["Attempts"] = r.Attempts,
        ["StartedAt"] = r.StartedAt,
        ["CompletedAt"] = r.CompletedAt,
        ["Error"] = r.Error,
        ["Summary"] = r.Summary is null ? null : JsonSerializer.Serialize(r.Summary, Json),
        // A column holds at most 64 KiB: the first pending payments are kept, the summary counts them all.
        ["Pending"] = JsonSerializer.Serialize(r.Pending.Take(300), Json),
    };

    private static ReconciliationReport FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("Trigger") ?? "",
        e.GetString("RequestedBy") ?? "",
        e.GetDateTimeOffset("RequestedAt") ?? default,
        new ReconciliationWindow(e.GetDateTimeOffset("From") ?? default, e.GetDateTimeOffset("To") ?? default),
        e.GetString("Status") ?? "",
        e.GetInt32("Attempts") ?? 0,
        e.GetDateTimeOffset("StartedAt"),
        e.GetDateTimeOffset("CompletedAt"),
        e.GetString("Error"),
        e.GetString("Summary") is { } summary ? JsonSerializer.Deserialize<ReconciliationSummary>(summary, Json) : null)
    {
        Pending = e.GetString("Pending") is { } pending ? JsonSerializer.Deserialize<List<PendingCharge>>(pending, Json) ?? [] : [],
    };
}
