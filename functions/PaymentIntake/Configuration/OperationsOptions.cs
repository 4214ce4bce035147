using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>Limits of the operations reads, section <c>Operations</c>.</summary>
public sealed class OperationsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Operations";

    /// <summary>
    /// At most this many payment rows are read to answer <c>GET /api/ops/status</c> and the minute's operations
    /// snapshot, oldest accepted first (default 200). The total in flight counts every due-index entry; beyond this
    /// many, the split by status covers the oldest payments only and <c>inFlight.unread</c> says how many were not read,
    /// so the status answers in bounded time during an outage with tens of thousands of payments waiting.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Operations:StatusRowReads must be from 1 to 100000.")]
    public int StatusRowReads { get; set; } = 200;
}
