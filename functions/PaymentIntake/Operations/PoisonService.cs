using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Posting;
using PaymentIntake.Queue;
using PaymentIntake.Storage;

namespace PaymentIntake.Operations;

/// <summary>What <c>POST /api/ops/poison/replay</c> selects: message ids, a fingerprint, or all.</summary>
public sealed record ReplayRequest(IReadOnlyList<string>? Ids, string? Fingerprint, bool All, bool DryRun);

/// <summary>One message skipped by a replay, and why.</summary>
public sealed record ReplaySkip(string Id, string Reason);

/// <summary>What a replay did (or, for a dry run, would do).</summary>
public sealed record ReplayResult(bool DryRun, IReadOnlyList<string> Replayed, IReadOnlyList<ReplaySkip> Skipped);

/// <summary>
/// Poison messages for operators: recorded with their reason when they reach <c>payments-poison</c>, listed by
/// fingerprint, replayed safely. A replay puts the message back on <c>payments</c> first and removes the record only
/// after that succeeded, so a crash half way loses nothing; a payment already posted is never posted again.
/// </summary>
public sealed class PoisonService(
    PoisonStore poison,
    MessageFailures failures,
    PaymentRepository payments,
    PaymentQueue queue,
    IOptions<PostingOptions> options,
    VendorGateway vendor,
    AuditLog audit,
    TimeProvider time,
    ILogger<PoisonService> logger)
{
    private const int MaxUndecodableBody = 16_000;

    /// <summary>Records a message that arrived on <c>payments-poison</c>; the queue message is then done.</summary>
    public async Task<PoisonRecord> RecordAsync(string body, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (paymentId, reason) = Parse(body);
        var failure = await failures.TakeAsync(body, cancellationToken).ConfigureAwait(false);
        PoisonRecord record;
        if (PoisonReasons.IsDecidedByPosting(reason))
        {
            var row = paymentId is null ? null : await payments.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
            var type = PoisonReasons.TypeOf(reason!);
            record = new PoisonRecord(PoisonStore.NewId(now), paymentId, body, reason!, type, row?.LastError ?? "The vendor stayed unavailable.",
                PoisonReasons.VendorUnavailableOrigin, Fingerprints.Of(type, PoisonReasons.VendorUnavailableOrigin), row?.Attempts ?? 0, row?.AcceptedAt, now);
        }
        else
        {
            var f = failure?.Failure ?? new FailureDescription("Unknown", "The message was poisoned without a recorded failure.", "unknown");
            record = new PoisonRecord(PoisonStore.NewId(now), paymentId, body, PoisonReasons.MaxDequeueCount, f.ExceptionType, f.Message, f.Origin, f.Fingerprint,
                failure?.Attempts ?? 0, failure?.FirstFailedAt, now);
        }

        await poison.AddAsync(record, cancellationToken).ConfigureAwait(false);
        await FailAsync(record, cancellationToken).ConfigureAwait(false);
        OpsLog.Poisoned(logger, record.Id, record.PaymentId ?? "-", record.Fingerprint, record.ExceptionType);
        return record;
    }

    /// <summary>
    /// Records a message the host moved to <c>payments-poison</c> unread because its body is not base64: kept as it
    /// was sent (<paramref name="rawBody"/>), naming no payment, so operators see it and can replay or leave it.
    /// </summary>
    public async Task<PoisonRecord> RecordUndecodableAsync(string rawBody, DateTimeOffset? insertedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        var now = time.GetUtcNow();
        // A queue message holds up to 64 KiB; a table property 32 K characters. Nothing of such a body is a payment.
        var kept = rawBody.Length > MaxUndecodableBody ? rawBody[..MaxUndecodableBody] : rawBody;
        var record = new PoisonRecord(PoisonStore.NewId(now), null, kept, PoisonReasons.Undecodable, PoisonReasons.UndecodableType,
            "The message is not base64, as queue payments requires (host.json messageEncoding); the host moved it to payments-poison without running a function.",
            PoisonReasons.UndecodableOrigin, Fingerprints.Of(PoisonReasons.UndecodableType, PoisonReasons.UndecodableOrigin), 0, insertedAt, now);
        await poison.AddAsync(record, cancellationToken).ConfigureAwait(false);
        OpsLog.Poisoned(logger, record.Id, "-", record.Fingerprint, record.ExceptionType);
        return record;
    }

    /// <summary>Groups (by fingerprint, with counts) and one page of messages, newest first.</summary>
    public async Task<PoisonListing> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        var all = (await poison.ListAsync(cancellationToken).ConfigureAwait(false)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var groups = all.GroupBy(r => r.Fingerprint, StringComparer.Ordinal)
            .Select(g => new PoisonGroup(g.Key, g.First().ExceptionType, g.First().Origin, g.Count(), g.Max(r => r.PoisonedAt), g.First().ExceptionMessage))
            .OrderByDescending(g => g.NewestAt)
            .ToList();
        var page = all.Where(r => pageToken is null || string.CompareOrdinal(r.Id, pageToken) > 0).Take(pageSize + 1).ToList();
        var next = page.Count > pageSize ? page[pageSize - 1].Id : null;
        return new PoisonListing(all.Count, groups, page.Take(pageSize).ToList(), next);
    }

    /// <summary>One poisoned message, or null.</summary>
    public Task<PoisonRecord?> GetAsync(string id, CancellationToken cancellationToken) => poison.GetAsync(id, cancellationToken);

    /// <summary>Replays what <paramref name="request"/> selects; audited as <paramref name="who"/>.</summary>
    public async Task<ReplayResult> ReplayAsync(ReplayRequest request, string who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var all = await poison.ListAsync(cancellationToken).ConfigureAwait(false);
        var skipped = new List<ReplaySkip>();
        List<PoisonRecord> selected;
        if (request.Ids is { Count: > 0 } ids)
        {
            var byId = all.ToDictionary(r => r.Id, StringComparer.Ordinal);
            selected = ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
            skipped.AddRange(ids.Where(id => !byId.ContainsKey(id)).Select(id => new ReplaySkip(id, "no poisoned message has this id")));
        }
        else if (!string.IsNullOrEmpty(request.Fingerprint))
        {
            selected = all.Where(r => r.Fingerprint == request.Fingerprint).ToList();
        }
        else
        {
            selected = request.All ? all.ToList() : [];
        }

        var replayed = new List<string>();
        foreach (var record in selected.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var row = record.PaymentId is null ? null : await payments.GetAsync(record.PaymentId, cancellationToken).ConfigureAwait(false);
            // Only a failed payment is replayed (a message naming no payment is put back as it was).
            var skip = row?.Status switch
            {
                null => null,
                PaymentStatus.Posted => "the payment is already posted",
                PaymentStatus.Declined => "the payment was declined (a final answer)",
                PaymentStatus.ActionRequired => "the payment waits for the member to authenticate",
                PaymentStatus.Failed => await vendor.ReplayRefusalAsync(row, cancellationToken).ConfigureAwait(false),
                var inFlight => $"the payment is in flight (status {inFlight}); only a failed payment is replayed",
            };
            if (skip is not null)
            {
                skipped.Add(new ReplaySkip(record.Id, skip));
                if (!request.DryRun && row?.Status == PaymentStatus.Posted)
                {
                    await poison.RemoveAsync(record.Id, cancellationToken).ConfigureAwait(false); // nothing left to do for it
                }

                continue;
            }

            if (!request.DryRun)
            {
                if (row is not null)
                {
                    await ReopenAsync(row, who, cancellationToken).ConfigureAwait(false);
                }

                // Back on the queue first, then off the poison list: a crash in between replays it twice, harmlessly.
                if (record.PaymentId is { } paymentId)
                {
                    await queue.SendAsync(paymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await queue.SendRawAsync(record.Body, cancellationToken).ConfigureAwait(false);
                }

                await poison.RemoveAsync(record.Id, cancellationToken).ConfigureAwait(false);
            }

            replayed.Add(record.Id);
        }

        await audit.WriteAsync(who, request.DryRun ? "poison.replay.dry_run" : "poison.replay", Describe(request), replayed.Count, cancellationToken).ConfigureAwait(false);
        return new ReplayResult(request.DryRun, replayed, skipped);
    }

    /// <summary>
    /// A payment whose message was poisoned is <c>failed</c> from then on (the reason on the row): nothing posts it
    /// until an operator replays it, and the reconciler does not send it round again.
    /// </summary>
    private async Task FailAsync(PoisonRecord record, CancellationToken cancellationToken)
    {
        if (record.PaymentId is not { } paymentId)
        {
            return;
        }

        await OptimisticConcurrency.RetryAsync(3, async _ =>
        {
            var row = await payments.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
            if (row is null || !PaymentStatus.IsInFlight(row.Status))
            {
                return true;
            }

            // Posting's own give-up sends the message before it saves the row: the recorder may read the row first. It
            // then fails it for the same reason, not as failed deliveries (there were none).
            var reason = PoisonReasons.IsDecidedByPosting(record.Reason)
                ? $"{record.Reason}: posting gave up; last: {record.ExceptionMessage}"
                : $"poisoned after {record.Attempts} failed deliveries: {record.ExceptionType}: {record.ExceptionMessage}";
            row.GiveUp(reason, MoveCauses.Poisoned, "poison-recorder");
            return await payments.TrySaveAsync(row, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task ReopenAsync(Payment row, string who, CancellationToken cancellationToken)
    {
        // A failed payment goes back to accepted, with its replay counted and its give-up clock restarted.
        await OptimisticConcurrency.RetryAsync(3, async tryNumber =>
        {
            if (tryNumber > 0)
            {
                row = await payments.GetAsync(row.PaymentId, cancellationToken).ConfigureAwait(false) ?? row;
            }

            if (!PaymentTransitions.IsAllowed(row.Status, PaymentStatus.Accepted))
            {
                return true; // it moved on meanwhile (e.g. a webhook posted it): nothing to reopen
            }

            // The repository puts it back in the due index before it is accepted again, so the reconciler, the waker
            // and the in-flight counts see it.
            var now = time.GetUtcNow();
            row.Reopen(now + options.Value.ReconcileAfter, now, $"operator:{who}");
            return await payments.TrySaveAsync(row, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static string Describe(ReplayRequest r) =>
        r.Ids is { Count: > 0 } ? "ids=" + string.Join(',', r.Ids) : !string.IsNullOrEmpty(r.Fingerprint) ? "fingerprint=" + r.Fingerprint : r.All ? "all" : "nothing selected";

    private static (string? PaymentId, string? Reason) Parse(string body) =>
        PaymentMessage.TryParse(body) is { } message ? (message.PaymentId, message.Reason) : (null, null);
}

internal static partial class OpsLog
{
    [LoggerMessage(EventId = EventIds.Poisoned, EventName = nameof(EventIds.Poisoned), Level = LogLevel.Error, Message = "Message {PoisonId} (payment {PaymentId}) poisoned: {Fingerprint} {ExceptionType}")]
    public static partial void Poisoned(ILogger logger, string poisonId, string paymentId, string fingerprint, string exceptionType);
}
