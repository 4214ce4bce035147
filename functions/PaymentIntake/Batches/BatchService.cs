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
/// Mail-in batches: the lockbox CSV is streamed to blob storage as received (hashed and size-checked on the way) and
/// parsed from there (each line validated on its own; a file that is not a batch is refused at once), and the upload
/// is answered with <c>202</c>: recording the lines — each good line a payment like any other (same table, queue,
/// retries, poison and replay) — continues from queue <c>batches</c>, with progress on the batch row. Every step is
/// idempotent, so a crash mid-batch is finished by the message's next delivery without duplicating or skipping a
/// line. Same id and content again → the same batch; same id with other content → conflict.
/// </summary>
public sealed partial class BatchService(
    BatchStore store,
    BatchQueue queue,
    PaymentIntakeService intake,
    PaymentIds ids,
    IOptions<BatchOptions> options,
    IOptions<DeadlineOptions> deadlines,
    IOptions<PaymentIntakeOptions> intakeOptions,
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
            return new BatchUploadResult.Invalid("batchId", "The batch id must be 1 to 64 of A-Z a-z 0-9 . _ -, and not \".\" or \"..\"");
        }

        if (contentLength > MaxBytes)
        {
            return new BatchUploadResult.TooLarge($"A batch file may be at most {MaxBytes / (1024 * 1024)} MiB ({MaxBytes:N0} bytes); this one has {contentLength:N0}.");
        }

        // Read whole (at most MaxBytes) and parsed before anything is stored: a card number is never stored unmasked.
        using var content = new MemoryStream();
        string sha;
        long bytes;
        using (var hashing = new LimitedHashingStream(body, MaxBytes, ContentKey()))
        {
            try
            {
                await hashing.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
            }
            catch (BatchTooLargeException ex)
            {
                return new BatchUploadResult.TooLarge(ex.Message);
            }

            sha = hashing.Hash();
            bytes = hashing.BytesRead;
        }

        var existing = await store.GetAsync(batchId!, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.ContentHash != sha)
            {
                return new BatchUploadResult.Conflict($"Batch {batchId} was already uploaded with other content (content hash {existing.ContentHash}). Use a new batch id for a new file.");
            }

            if (existing.Status == BatchStore.Complete && await store.GetReportAsync(batchId!, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return new BatchUploadResult.Done(stored);
            }

            // Same content, still processing (or stalled by a crash): queue it again; processing is idempotent.
            await queue.SendAsync(batchId!, cancellationToken).ConfigureAwait(false);
            return new BatchUploadResult.Accepted(StatusOf(existing), Created: false);
        }

        var now = time.GetUtcNow();
        int lines;
        List<int> cardLines;
        try
        {
            // Parsed once here (CPU only, no storage per line), so a file that is not a batch is refused at once.
            content.Position = 0;
            var parsed = Parse(content, now, []);
            lines = parsed.Lines;
            cardLines = parsed.Rejected.Where(r => r.Reasons.Contains(CheckLineParser.CardNumberReason)).Select(r => r.Line).ToList();
        }
        catch (Exception ex) when (ex is BatchFormatException or BatchTooLargeException or CsvHelper.CsvHelperException)
        {
            // Nothing was stored; the id stays free for a corrected file.
            return ex is BatchTooLargeException ? new BatchUploadResult.TooLarge(ex.Message) : new BatchUploadResult.Invalid("file", ex.Message);
        }

        var raw = await store.BlobAsync($"raw/{batchId}/{now:yyyyMMddTHHmmssfff}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.csv").ConfigureAwait(false);
        using var masked = cardLines.Count == 0 ? null : Masked(content);
        var copy = masked ?? content;
        copy.Position = 0;
        await raw.UploadAsync(copy, cancellationToken).ConfigureAwait(false);

        var record = new BatchRecord(batchId!, sha, BatchStore.Processing, raw.Name, now, default) { Bytes = bytes, Lines = lines, SubmittedBy = caller, CardLines = cardLines };
        if (!await store.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
        {
            // A concurrent upload of the same id won: answer as for a repeated upload.
            await raw.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return await UploadAgainAsync(batchId!, sha, cancellationToken).ConfigureAwait(false);
        }

        await queue.SendAsync(batchId!, cancellationToken).ConfigureAwait(false);
        return new BatchUploadResult.Accepted(StatusOf(record), Created: true);
    }

    /// <summary>
    /// Records every line of a batch (queue trigger on <c>batches</c>), in chunks with progress on the batch row, then
    /// stores the report. Safe to run again after a crash or alongside a duplicate message: each check is claimed and
    /// each payment inserted only if absent.
    /// </summary>
    public async Task ProcessAsync(string batchId, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(batchId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Batch {batchId} has no row.");
        if (record.Status == BatchStore.Complete)
        {
            return;
        }

        var (_, accepted, rejected) = await ParseAsync(record.RawBlob, record.ReceivedAt, record.CardLines, cancellationToken).ConfigureAwait(false);
        var results = new ConcurrentBag<AcceptedLine>();
        var duplicates = new ConcurrentBag<RejectedLine>();
        var processed = rejected.Count;
        foreach (var chunk in accepted.Chunk(ChunkLines))
        {
            await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (check, ct) =>
            {
                // Accepted when the batch arrived; recorded (and so due for the reconciler) when this line is written.
                var row = NewPayment(ids.ForCheck(check.MemberId, check.CheckNumber), check, record, acceptedAt: record.ReceivedAt, recordedAt: time.GetUtcNow());
                if (await store.ClaimCheckAsync(check.MemberId, check.CheckNumber, batchId, check.Line, row.PaymentId, ct).ConfigureAwait(false) is { } earlier)
                {
                    duplicates.Add(new RejectedLine(check.Line, [$"check {check.CheckNumber} of member {check.MemberId} was already accepted in batch {earlier.BatchId} (line {earlier.Line})"]));
                    return;
                }

                var (recorded, _) = await intake.RecordAsync(row, ct).ConfigureAwait(false);
                results.Add(new AcceptedLine(check.Line, recorded.PaymentId, check.MemberId, check.InvoiceId, check.CheckNumber, check.Amount, check.Currency));
            }).ConfigureAwait(false);
            processed += chunk.Length;
            await store.ProgressAsync(batchId, processed, cancellationToken).ConfigureAwait(false);
        }

        var allRejected = rejected.Concat(duplicates).OrderBy(r => r.Line).ToList();
        var report = new BatchReport(batchId, BatchStore.Complete, record.ReceivedAt, record.ContentHash, record.Bytes, accepted.Count + rejected.Count, results.Count, allRejected.Count,
            results.OrderBy(a => a.Line).ToList(), allRejected, record.RawBlob) { LinesProcessed = accepted.Count + rejected.Count };
        await store.CompleteAsync(record with { LinesProcessed = report.Lines }, report, cancellationToken).ConfigureAwait(false);
        BatchLog.Processed(logger, batchId, report.Lines, report.AcceptedCount, report.RejectedCount);
    }

    /// <summary>
    /// A batch as <c>GET /api/batches/{batchId}</c> shows it: the report once complete, else its progress
    /// (<c>linesProcessed</c> of <c>lines</c>); null when unknown.
    /// </summary>
    public async Task<BatchReport?> GetReportAsync(string batchId, CancellationToken cancellationToken)
    {
        if (!BatchIdPattern().IsMatch(batchId ?? "") || await store.GetAsync(batchId!, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }

        return record.Status == BatchStore.Complete ? await store.GetReportAsync(batchId!, cancellationToken).ConfigureAwait(false) : StatusOf(record);
    }

    /// <summary>The batches received most recently, newest first: each one's status and counts (<c>GET /api/ops/batches</c>).</summary>
    public async Task<IReadOnlyList<BatchReport>> ListRecentAsync(int limit, CancellationToken cancellationToken) =>
        (await store.ListRecentAsync(limit, cancellationToken).ConfigureAwait(false)).Select(StatusOf).ToList();

    /// <summary>Lines recorded between progress updates.</summary>
    private const int ChunkLines = 500;

    private async Task<BatchUploadResult> UploadAgainAsync(string batchId, string sha, CancellationToken cancellationToken)
    {
        var existing = await store.GetAsync(batchId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Batch {batchId} existed on insert but not on read.");
        if (existing.ContentHash != sha)
        {
            return new BatchUploadResult.Conflict($"Batch {batchId} was already uploaded with other content (content hash {existing.ContentHash}). Use a new batch id for a new file.");
        }

        return new BatchUploadResult.Accepted(StatusOf(existing), Created: false);
    }

    private static BatchReport StatusOf(BatchRecord record) =>
        new(record.BatchId, record.Status, record.ReceivedAt, record.ContentHash, record.Bytes, record.Lines, record.AcceptedCount, record.RejectedCount, [], [], record.RawBlob) { LinesProcessed = record.LinesProcessed };

    private async Task<(int Lines, List<CheckLine> Accepted, List<RejectedLine> Rejected)> ParseAsync(string blobName, DateTimeOffset receivedAt, IReadOnlyList<int> cardLines, CancellationToken cancellationToken)
    {
        var blob = await store.BlobAsync(blobName).ConfigureAwait(false);
        using var stream = await blob.OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return Parse(stream, receivedAt, cardLines);
    }

    private (int Lines, List<CheckLine> Accepted, List<RejectedLine> Rejected) Parse(Stream content, DateTimeOffset receivedAt, IReadOnlyList<int> cardLines)
    {
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        // "Today" is the exchange's date when the batch arrived: a check received later is refused.
        var today = deadlines.Value.DateAt(receivedAt);
        var (accepted, rejected) = CheckLineParser.Parse(reader, today, DateOnly.FromDateTime((receivedAt - options.Value.MaxReceivedAge).UtcDateTime), cardLines);
        return (accepted.Count + rejected.Count, accepted, rejected);
    }

    /// <summary>The file as stored when it held card numbers: each masked but its last four digits (UTF-8, as it was read).</summary>
    private static MemoryStream Masked(MemoryStream content)
    {
        content.Position = 0;
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return new MemoryStream(Encoding.UTF8.GetBytes(TextScreening.MaskCardNumbers(reader.ReadToEnd())));
    }

    /// <summary>The key of the content hash: derived from the id secret, so the hash of a file reveals nothing of it.</summary>
    private byte[] ContentKey() => HMACSHA256.HashData(Encoding.UTF8.GetBytes(intakeOptions.Value.IdSecret), "batch-content"u8);

    private static Payment NewPayment(string paymentId, CheckLine check, BatchRecord batch, DateTimeOffset acceptedAt, DateTimeOffset recordedAt)
    {
        var canonical = string.Join('|', check.MemberId, check.InvoiceId, check.Amount.ToString(CultureInfo.InvariantCulture), check.Currency, check.CheckNumber,
            check.ReceivedDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), check.PayerName);
        return new Payment
        {
            PaymentId = paymentId,
            SubmittedBy = batch.SubmittedBy,
            Kind = PaymentKinds.Check,
            MemberId = check.MemberId,
            Amount = check.Amount,
            Currency = check.Currency,
            InvoiceId = check.InvoiceId,
            CheckNumber = check.CheckNumber,
            ReceivedDate = check.ReceivedDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            PayerName = check.PayerName,
            BatchId = batch.BatchId,
            BatchLine = check.Line,
            RequestHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))),
            AcceptedAt = acceptedAt,
            UpdatedAt = recordedAt,
        };
    }

    /// <summary>1–64 of A-Z a-z 0-9 . _ -, but not "." or ".." (path segments a proxy or a client would resolve).</summary>
    [GeneratedRegex(@"^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex BatchIdPattern();
}

internal static partial class BatchLog
{
    [LoggerMessage(EventId = EventIds.BatchProcessed, Level = LogLevel.Information, Message = "Batch {BatchId}: {Lines} lines, {Accepted} accepted, {Rejected} rejected")]
    public static partial void Processed(ILogger logger, string batchId, int lines, int accepted, int rejected);
}
