using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Operations;
using PaymentIntake.Payments;
using Stripe;

namespace PaymentIntake.Reconciliation.Books;

/// <summary>What asking for a reconciliation came to.</summary>
public abstract record ReconciliationRequestResult
{
    private ReconciliationRequestResult()
    {
    }

    /// <summary>Queued: the report to follow.</summary>
    public sealed record Accepted(ReconciliationReport Report) : ReconciliationRequestResult;

    /// <summary>Refused: field → messages.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ReconciliationRequestResult;
}

/// <summary>
/// Reconciles our books with Stripe's, per window: asked for by an operator (<see cref="RequestAsync"/>) or every
/// exchange day by the timer (<see cref="TickAsync"/>), run from queue <c>reconciliations</c> (<see cref="RunAsync"/>):
/// Stripe's intents created and invoices paid in the window (<see cref="StripeLedger"/>), our payments posted in it
/// (<see cref="PostedIndex"/>), the rows both name, compared by <see cref="BookMatcher"/>, kept as a report
/// (<see cref="ReconciliationStore"/>) and logged for the mismatch alert.
/// </summary>
public sealed class ReconciliationService(
    ReconciliationStore store,
    ReconciliationQueue queue,
    StripeLedger ledger,
    PaymentRepository payments,
    PostedIndex posted,
    AuditLog audit,
    IOptions<ReconciliationOptions> options,
    IOptions<DeadlineOptions> deadlines,
    TimeProvider time,
    ILogger<ReconciliationService> logger)
{
    /// <summary>Who the timer's reports name as having asked.</summary>
    public const string TimerActor = "timer";

    /// <summary>How long a queued report may wait before the timer sends its message again (it was lost in a crash).</summary>
    internal static readonly TimeSpan LostMessageAfter = TimeSpan.FromMinutes(30);

    /// <summary>How many rows are read side by side.</summary>
    private const int ParallelReads = 16;

    /// <summary>Checks the window and queues a reconciliation of it, audited with <paramref name="requestedBy"/>.</summary>
    public async Task<ReconciliationRequestResult> RequestAsync(DateTimeOffset? from, DateTimeOffset? to, string requestedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (from is null)
        {
            errors["from"] = ["from is required: an ISO 8601 date-time with its offset, e.g. 2026-12-06T05:00:00Z."];
        }

        if (to is null)
        {
            errors["to"] = ["to is required: an ISO 8601 date-time with its offset, e.g. 2026-12-07T05:00:00Z."];
        }
        else if (to > now)
        {
            errors["to"] = ["to must not be in the future: Stripe's books for it are not written yet."];
        }

        if (from is { } f && to is { } t && errors.Count == 0)
        {
            if (f >= t)
            {
                errors["from"] = ["from must be earlier than to."];
            }
            else if (t - f > options.Value.MaxWindow)
            {
                errors["to"] = [string.Create(CultureInfo.InvariantCulture, $"A window may cover at most {options.Value.MaxWindow} (Reconciliation:MaxWindow); split it.")];
            }
        }

        if (errors.Count > 0)
        {
            return new ReconciliationRequestResult.Invalid(errors);
        }

        var id = string.Create(CultureInfo.InvariantCulture, $"rec_{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var report = new ReconciliationReport(id, "requested", requestedBy, now, new ReconciliationWindow(from!.Value.ToUniversalTime(), to!.Value.ToUniversalTime()), ReconciliationReport.Queued, 0, null, null, null, null);
        await store.TryAddAsync(report, cancellationToken).ConfigureAwait(false);
        await queue.SendAsync(id, cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync(requestedBy, "reconcile", $"{id}: {Iso(report.Window.From)} to {Iso(report.Window.To)}", 1, cancellationToken).ConfigureAwait(false);
        return new ReconciliationRequestResult.Accepted(report);
    }

    /// <summary>A report with its kept mismatches, or null.</summary>
    public Task<ReconciliationReport?> GetAsync(string reconciliationId, CancellationToken cancellationToken) => store.GetWholeAsync(reconciliationId, cancellationToken);

    /// <summary>The reports, newest first (without their mismatches).</summary>
    public Task<IReadOnlyList<ReconciliationReport>> ListAsync(int limit, CancellationToken cancellationToken) => store.ListAsync(limit, cancellationToken);

    /// <summary>
    /// The timer's look (every 10 minutes): once <c>Reconciliation:DailyAt</c> has passed in the exchange's time zone, the
    /// previous day is queued (once: its id is the day's), a failed daily run is queued again up to
    /// <c>Reconciliation:MaxAttempts</c> runs, and a queued one whose message was lost, or a run that stopped without a
    /// word (its instance died), is sent again. Returns the id queued, or null.
    /// </summary>
    public async Task<string?> TickAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Daily)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var zone = deadlines.Value.Zone;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var day = DateOnly.FromDateTime(local.DateTime).AddDays(local.TimeOfDay >= o.DailyAt ? -1 : -2);
        var id = "daily_" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } existing)
        {
            var window = new ReconciliationWindow(Midnight(day, zone), Midnight(day.AddDays(1), zone));
            var report = new ReconciliationReport(id, "daily", TimerActor, now, window, ReconciliationReport.Queued, 0, null, null, null, null);
            if (!await store.TryAddAsync(report, cancellationToken).ConfigureAwait(false))
            {
                return null; // another instance's timer came first
            }
        }
        else if ((existing.Report.Status == ReconciliationReport.Failed && existing.Report.Attempts < o.MaxAttempts)
            || (existing.Report.Status == ReconciliationReport.Queued && now - existing.Report.RequestedAt >= LostMessageAfter)
            || (existing.Report.Status == ReconciliationReport.Running && now - existing.Report.StartedAt >= LostMessageAfter && existing.Report.Attempts < o.MaxAttempts))
        {
            var again = existing.Report with { Status = ReconciliationReport.Queued, RequestedAt = now };
            if (!await store.TrySaveAsync(again, existing.ETag, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
        else
        {
            return null;
        }

        await queue.SendAsync(id, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Runs a queued reconciliation and keeps its report: complete with the counts and the mismatches, or failed with
    /// the reason (Stripe unreachable after the pipeline's retries, say), logged either way for the alert. A duplicate
    /// message for a complete report does nothing. A storage failure is thrown: the host retries the message.
    /// </summary>
    public async Task<ReconciliationReport?> RunAsync(string reconciliationId, CancellationToken cancellationToken)
    {
        var read = await store.GetAsync(reconciliationId, cancellationToken).ConfigureAwait(false);
        if (read is not { } found || found.Report.Status == ReconciliationReport.Complete
            || (found.Report.Status == ReconciliationReport.Running && time.GetUtcNow() - found.Report.StartedAt < LostMessageAfter))
        {
            return read?.Report; // done, or another delivery is running it
        }

        var running = found.Report with { Status = ReconciliationReport.Running, Attempts = found.Report.Attempts + 1, StartedAt = time.GetUtcNow(), CompletedAt = null, Error = null };
        if (!await store.TrySaveAsync(running, found.ETag, cancellationToken).ConfigureAwait(false))
        {
            return null; // another delivery took it meanwhile
        }

        ReconciliationReport done;
        try
        {
            var (comparison, counts) = await CompareAsync(running.Window, cancellationToken).ConfigureAwait(false);
            var kept = comparison.Mismatches.Take(options.Value.MaxMismatchesKept).ToList();
            await store.WriteMismatchesAsync(reconciliationId, kept, cancellationToken).ConfigureAwait(false);
            var byKind = typeof(MismatchKinds).GetFields().Select(f => (string)f.GetValue(null)!)
                .ToDictionary(k => k, k => comparison.Mismatches.Count(m => m.Kind == k), StringComparer.Ordinal);
            var summary = new ReconciliationSummary(counts.Intents, counts.Succeeded, counts.InvoicesPaid, counts.OursPosted, comparison.Matched, comparison.Pending.Count, comparison.Mismatches.Count, kept.Count, byKind);
            done = running with { Status = ReconciliationReport.Complete, CompletedAt = time.GetUtcNow(), Summary = summary, Pending = comparison.Pending };
            ReconciliationLog.Finished(logger, reconciliationId, running.Window.From, running.Window.To, comparison.Matched, comparison.Mismatches.Count, byKind[MismatchKinds.ChargedNotPosted], comparison.Pending.Count);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Never left "running" without a word: the report says failed (the alert fires, the daily timer runs it
            // again). Stripe's failures end the run here; anything else (storage, a bug) is thrown after, so the host
            // retries the message.
            var vendor = ex is StripeException or TimeoutException or HttpRequestException or Polly.Timeout.TimeoutRejectedException;
            var reason = ex is StripeException stripe ? $"Stripe answered {(int)stripe.HttpStatusCode} {stripe.StripeError?.Code}: {stripe.Message}" : $"{ex.GetType().Name}: {ex.Message}";
            ReconciliationLog.Failed(logger, reconciliationId, running.Attempts, reason);
            await store.TrySaveAsync(running with { Status = ReconciliationReport.Failed, CompletedAt = time.GetUtcNow(), Error = reason }, ETag.All, CancellationToken.None).ConfigureAwait(false);
            if (!vendor)
            {
                throw;
            }

            return running with { Status = ReconciliationReport.Failed, Error = reason };
        }

        // The run holds the report since it marked it running: save over whatever ETag it has now.
        await store.TrySaveAsync(done, ETag.All, cancellationToken).ConfigureAwait(false);
        return done;
    }

    private async Task<(BookComparison Comparison, (int Intents, int Succeeded, int InvoicesPaid, int OursPosted) Counts)> CompareAsync(ReconciliationWindow window, CancellationToken cancellationToken)
    {
        var intents = (await ledger.IntentsCreatedAsync(window.From, window.To, cancellationToken).ConfigureAwait(false)).ToList();
        var invoices = (await ledger.InvoicesPaidAsync(window.From, window.To, options.Value.InvoiceLookback, cancellationToken).ConfigureAwait(false)).ToList();
        var postedIds = await posted.ListAsync(window.From, window.To, cancellationToken).ConfigureAwait(false);
        var carried = await store.ListPendingAsync(cancellationToken).ConfigureAwait(false);
        var named = intents.Select(i => i.PaymentId).Concat(invoices.Select(i => i.PaymentId)).OfType<string>();
        var rows = await ReadAsync(named.Concat(postedIds).Concat(carried.Select(c => c.PaymentId)).Distinct(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);

        var postedInWindow = rows.Values
            .Where(p => postedIds.Contains(p.PaymentId) && p.Status == PaymentStatus.Posted && p.PostedAt is { } at && at >= window.From && at < window.To)
            .Select(p => p.PaymentId)
            .ToHashSet(StringComparer.Ordinal);

        // Read by id the Stripe objects the window's lists did not hold: those that took the money of the charges earlier
        // runs left pending, and those our payments posted in the window name (created or paid outside it).
        var known = intents.Select(i => i.Id).Concat(invoices.Select(i => i.Id)).ToHashSet(StringComparer.Ordinal);
        var references = carried.Select(c => c.StripeObject)
            .Concat(rows.Values.Where(p => postedInWindow.Contains(p.PaymentId)).Select(p => p.InvoiceId is { } invoiceId ? p.VendorReference ?? invoiceId : p.VendorReference).OfType<string>());
        foreach (var reference in references.Where(known.Add))
        {
            if (reference.StartsWith("in_", StringComparison.Ordinal))
            {
                if (await ledger.InvoiceAsync(reference, cancellationToken).ConfigureAwait(false) is { } invoice)
                {
                    invoices.Add(invoice);
                }
            }
            else if (await ledger.IntentAsync(reference, cancellationToken).ConfigureAwait(false) is { } intent)
            {
                intents.Add(intent);
            }
        }

        var ours = rows.Values.ToDictionary(p => p.PaymentId, p => OurRecord.Of(p, postedInWindow.Contains(p.PaymentId)), StringComparer.Ordinal);

        // An intent that took money for nobody of ours may be Stripe's own intent of an invoice (a card paying it): that
        // money is reconciled through the invoice.
        for (var i = 0; i < intents.Count; i++)
        {
            if (BookMatcher.IsUnknown(intents[i], ours) && await ledger.InvoiceOfIntentAsync(intents[i].Id, cancellationToken).ConfigureAwait(false) is { } invoiceId)
            {
                intents[i] = intents[i] with { InvoiceId = invoiceId };
            }
        }

        var comparison = BookMatcher.Compare(intents, invoices, ours);
        var stillPending = comparison.Pending.Select(p => p.PaymentId).ToHashSet(StringComparer.Ordinal);
        await store.UpdatePendingAsync(comparison.Pending, carried.Select(c => c.PaymentId).Where(id => !stillPending.Contains(id)), cancellationToken).ConfigureAwait(false);
        return (comparison, (intents.Count(i => i.InWindow), intents.Count(i => i.InWindow && i.Status == "succeeded"), invoices.Count(i => i.InWindow), postedInWindow.Count));
    }

    private async Task<Dictionary<string, Payment>> ReadAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var rows = new System.Collections.Concurrent.ConcurrentDictionary<string, Payment>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await payments.GetAsync(id, ct).ConfigureAwait(false) is { } payment)
            {
                rows[id] = payment;
            }
        }).ConfigureAwait(false);
        return new Dictionary<string, Payment>(rows, StringComparer.Ordinal);
    }

    /// <summary>The instant local midnight of <paramref name="day"/> is in <paramref name="zone"/> (the first valid instant of the day where a change of clocks skips midnight).</summary>
    internal static DateTimeOffset Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
