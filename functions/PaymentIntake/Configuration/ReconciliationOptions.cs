using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>The reconciliation of our books with Stripe's, section <c>Reconciliation</c>.</summary>
public sealed class ReconciliationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Reconciliation";

    /// <summary>
    /// Whether the daily reconciliation runs (default true): every exchange day (<c>Deadlines:TimeZone</c>, UTC when
    /// unset) is reconciled once <see cref="DailyAt"/> of the next day has come.
    /// </summary>
    public bool Daily { get; set; } = true;

    /// <summary>
    /// The exchange's local time of day after which the previous day is reconciled (default <c>02:00:00</c>): late enough
    /// for the day's last payments to have posted. The timer looks every 10 minutes, so it starts within 10 minutes of it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "23:59:59", ErrorMessage = "Reconciliation:DailyAt must be a time of day from 00:00:00 to 23:59:59.")]
    public TimeSpan DailyAt { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// How far before a window's start paid invoices are listed (default 90 days). Stripe lists invoices by when they were
    /// created, not when they were paid (docs.stripe.com/api/invoices/list), so an invoice created weeks before it is paid
    /// is found only if it was created within this lookback; its <c>status_transitions.paid_at</c> decides the window.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "400.00:00:00", ErrorMessage = "Reconciliation:InvoiceLookback must be from 0 to 400 days.")]
    public TimeSpan InvoiceLookback { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The longest window one reconciliation may cover (default 31 days); a longer request is refused.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "400.00:00:00", ErrorMessage = "Reconciliation:MaxWindow must be from 1 minute to 400 days.")]
    public TimeSpan MaxWindow { get; set; } = TimeSpan.FromDays(31);

    /// <summary>
    /// At most this many mismatches are kept with a report (default 1000); the counts are always complete and the report
    /// says how many were left out.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Reconciliation:MaxMismatchesKept must be from 1 to 100000.")]
    public int MaxMismatchesKept { get; set; } = 1000;

    /// <summary>How many times a daily reconciliation that failed (Stripe unreachable, say) is run again, one tick apart (default 6).</summary>
    [Range(1, 100, ErrorMessage = "Reconciliation:MaxAttempts must be from 1 to 100.")]
    public int MaxAttempts { get; set; } = 6;
}
