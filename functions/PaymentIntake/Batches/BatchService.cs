using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Intake;
using PaymentIntake.Payments;

namespace PaymentIntake.Batches;

/// <summary>
/// Mail-in batches: the lockbox CSV is streamed to blob storage as received (hashed and size-checked on the way),
/// parsed from there as a stream, each line validated on its own, and every good line recorded as a payment like any
/// other (same table, queue, retries, poison and replay). Same id and content again → the same report; same id with
/// other content → conflict.
/// </summary>
public sealed partial class BatchService(
    BatchStore store,
    PaymentIntakeService intake,
    PaymentIds ids,
    IOptions<BatchOptions> options,
    TimeProvider time,
    ILogger<BatchService> logger)
{
    /// <summary>Largest batch file: 10 MiB.</summary>
    public const long MaxBytes = 10 * 1024 * 1024;

    /// <summary>Uploads and processes a batch from <paramref name="caller"/>: <c>PUT /api/batches/{batchId}</c>.</summary>
    public async Task<BatchUploadResult> UploadAsync(string caller, string batchId, Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!BatchIdPattern().IsMatch(batchId ?? ""))
        {
            return new BatchUploadResult.Invalid("batchId", "The batch id must be 1 to 64 of A-Z a-z 0-9 . _ -");
        }

        if (contentLength > MaxBytes)
        {
            return new BatchUploadResult.TooLarge($"A batch file may be at most {MaxBytes / (1024 * 1024)} MiB ({MaxBytes:N0} bytes); this one has {contentLength:N0}.");
        }

        var now = time.GetUtcNow();
        var raw = await store.BlobAsync($"raw/{batchId}/{now:yyyyMMddTHHmmssfff}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.csv").ConfigureAwait(false);
        string sha;
        long bytes;
        using (var hashing = new LimitedHashingStream(body, MaxBytes))
        {
            try
            {
                await raw.UploadAsync(hashing, cancellationToken).ConfigureAwait(false);
            }
            catch (BatchTooLargeException ex)
            {
                return new BatchUploadResult.TooLarge(ex.Message);
            }

            sha = hashing.Sha256();
            bytes = hashing.BytesRead;
        }

        var record = new BatchRecord(batchId!, sha, BatchStore.Processing, raw.Name, now, default);
        if (!await store.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
        {
            var existing = await store.GetAsync(batchId!, cancellationToken).ConfigureAwait(false);
            if (existing is not null && existing.ContentSha256 != sha)
            {
                await raw.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return new BatchUploadResult.Conflict($"Batch {batchId} was already uploaded with other content (SHA-256 {existing.ContentSha256}). Use a new batch id for a new file.");
            }

            if (existing is { Status: BatchStore.Complete } && await store.GetReportAsync(batchId!, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                await raw.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return new BatchUploadResult.Done(stored, Created: false);
            }

            // Same content, not finished (a crash, or a concurrent upload): process again; every step is idempotent.
            record = existing ?? record;
        }

        List<CheckLine> accepted;
        List<RejectedLine> rejected;
        try
        {
            using var reader = new StreamReader(await raw.OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            (accepted, rejected) = CheckLineParser.Parse(reader, today, DateOnly.FromDateTime((now - options.Value.MaxReceivedAge).UtcDateTime));
        }
        catch (Exception ex) when (ex is BatchFormatException or BatchTooLargeException or CsvHelper.CsvHelperException)
        {
            // The raw file stays for audit; the id stays free for a corrected file.
            await store.RemoveAsync(batchId!, cancellationToken).ConfigureAwait(false);
            return ex is BatchTooLargeException ? new BatchUploadResult.TooLarge(ex.Message) : new BatchUploadResult.Invalid("file", ex.Message);
        }

        var results = new ConcurrentBag<AcceptedLine>();
        var duplicates = new ConcurrentBag<RejectedLine>();
        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (check, ct) =>
        {
            // Accepted when the batch arrived; recorded (and so due for the reconciler) when this line is written.
            var row = NewRow(ids.ForCheck(check.MemberId, check.CheckNumber), check, batchId!, acceptedAt: now, recordedAt: time.GetUtcNow());
            row.SubmittedBy = caller;
            if (await store.ClaimCheckAsync(check.MemberId, check.CheckNumber, batchId!, check.Line, row.PaymentId, ct).ConfigureAwait(false) is { } earlier)
            {
                duplicates.Add(new RejectedLine(check.Line, [$"check {check.CheckNumber} of member {check.MemberId} was already accepted in batch {earlier.BatchId} (line {earlier.Line})"]));
                return;
            }

            var (recorded, _) = await intake.RecordAsync(row, ct).ConfigureAwait(false);
            results.Add(new AcceptedLine(check.Line, recorded.PaymentId, check.MemberId, check.InvoiceId, check.CheckNumber, check.Amount, check.Currency));
        }).ConfigureAwait(false);

        var allRejected = rejected.Concat(duplicates).OrderBy(r => r.Line).ToList();
        var report = new BatchReport(batchId!, BatchStore.Complete, record.ReceivedAt, sha, bytes, accepted.Count + rejected.Count, results.Count, allRejected.Count,
            results.OrderBy(a => a.Line).ToList(), allRejected, record.RawBlob);
        await store.CompleteAsync(record, report, cancellationToken).ConfigureAwait(false);
        BatchLog.Processed(logger, batchId!, report.Lines, report.AcceptedCount, report.RejectedCount);
        return new BatchUploadResult.Done(report, Created: true);
    }

    /// <summary>The report of a batch: <c>GET /api/batches/{batchId}</c>; null when unknown or not finished.</summary>
    public Task<BatchReport?> GetReportAsync(string batchId, CancellationToken cancellationToken) =>
        BatchIdPattern().IsMatch(batchId ?? "") ? store.GetReportAsync(batchId!, cancellationToken) : Task.FromResult<BatchReport?>(null);

    private static PaymentEntity NewRow(string paymentId, CheckLine check, string batchId, DateTimeOffset acceptedAt, DateTimeOffset recordedAt)
    {
        var canonical = string.Join('|', check.MemberId, check.InvoiceId, check.Amount.ToString(CultureInfo.InvariantCulture), check.Currency, check.CheckNumber,
            check.ReceivedDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), check.PayerName);
        return new PaymentEntity
        {
            PartitionKey = paymentId,
            Kind = PaymentKinds.Check,
            MemberId = check.MemberId,
            Amount = check.Amount,
            Currency = check.Currency,
            InvoiceId = check.InvoiceId,
            CheckNumber = check.CheckNumber,
            ReceivedDate = check.ReceivedDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            PayerName = check.PayerName,
            BatchId = batchId,
            BatchLine = check.Line,
            RequestHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))),
            AcceptedAt = acceptedAt,
            UpdatedAt = recordedAt,
        };
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex BatchIdPattern();
}

internal static partial class BatchLog
{
    [LoggerMessage(EventId = EventIds.BatchProcessed, Level = LogLevel.Information, Message = "Batch {BatchId}: {Lines} lines, {Accepted} accepted, {Rejected} rejected")]
    public static partial void Processed(ILogger logger, string batchId, int lines, int accepted, int rejected);
}
