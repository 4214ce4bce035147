using System.Text.Json.Serialization;

namespace PaymentIntake.Batches;

/// <summary>An accepted line and the payment it became.</summary>
public sealed record AcceptedLine(int Line, string PaymentId, string MemberId, string InvoiceId, string CheckNumber, long Amount, string Currency);

/// <summary>The report of a batch: the answer to its upload and to <c>GET /api/batches/{batchId}</c>.</summary>
public sealed record BatchReport(
    string BatchId,
    string Status,
    DateTimeOffset ReceivedAt,
    string ContentHash,
    long Bytes,
    int Lines,
    int AcceptedCount,
    int RejectedCount,
    IReadOnlyList<AcceptedLine> Accepted,
    IReadOnlyList<RejectedLine> Rejected,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RawFile)
{
    /// <summary>How many of <see cref="Lines"/> are recorded so far (all of them once the batch is complete).</summary>
    public int LinesProcessed { get; init; }
}

/// <summary>What became of an upload.</summary>
public abstract record BatchUploadResult
{
    private BatchUploadResult() { }

    /// <summary>The same content again, already processed: the stored report.</summary>
    public sealed record Done(BatchReport Report) : BatchUploadResult;

    /// <summary>Stored and queued for processing (or still processing): its status so far.</summary>
    public sealed record Accepted(BatchReport Status, bool Created) : BatchUploadResult;

    /// <summary>The batch id is malformed, or the file cannot be read as a batch.</summary>
    public sealed record Invalid(string Field, string Message) : BatchUploadResult;

    /// <summary>Over a limit.</summary>
    public sealed record TooLarge(string Message) : BatchUploadResult;

    /// <summary>The batch id was used with other content.</summary>
    public sealed record Conflict(string Message) : BatchUploadResult;
}
