namespace PaymentIntake.Reconciliation.Books;

/// <summary>A reconciliation of our books with Stripe's for one window, as <c>GET /api/ops/reconciliations/{id}</c> answers it.</summary>
/// <param name="ReconciliationId">Its id: <c>daily_yyyy-MM-dd</c> for the daily one, <c>rec_…</c> for one requested.</param>
/// <param name="Trigger"><c>daily</c> or <c>requested</c>.</param>
/// <param name="RequestedBy">The operator who asked, or <c>timer</c>.</param>
/// <param name="RequestedAt">When it was asked for (or last queued again).</param>
/// <param name="Window">The window: Stripe objects created (intents) or paid (invoices) in it, our payments posted in it.</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>complete</c> or <c>failed</c>.</param>
/// <param name="Attempts">Runs started.</param>
/// <param name="StartedAt">When the last run started.</param>
/// <param name="CompletedAt">When it completed or failed.</param>
/// <param name="Error">Why it failed (Stripe unreachable, say); it is run again (the daily one by the timer).</param>
/// <param name="Summary">The counts, once complete.</param>
public sealed record ReconciliationReport(
    string ReconciliationId,
    string Trigger,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    ReconciliationWindow Window,
    string Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error,
    ReconciliationSummary? Summary)
{
    /// <summary>Waiting on queue <c>reconciliations</c>.</summary>
    public const string Queued = "queued";

    /// <summary>Reading the books.</summary>
    public const string Running = "running";

    /// <summary>Done: the summary and mismatches stand.</summary>
    public const string Complete = "complete";

    /// <summary>The run failed; <see cref="Error"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>The mismatches kept with the report (at most <c>Reconciliation:MaxMismatchesKept</c>), when complete.</summary>
    public IReadOnlyList<Mismatch> Mismatches { get; init; } = [];

    /// <summary>Payments Stripe charged that were still in flight here (posting will record them; every later run judges them again), when complete.</summary>
    public IReadOnlyList<PendingCharge> Pending { get; init; } = [];
}

/// <summary>A reconciliation's window, [<paramref name="From"/>, <paramref name="To"/>).</summary>
/// <param name="From">Start, included.</param>
/// <param name="To">End, excluded.</param>
public sealed record ReconciliationWindow(DateTimeOffset From, DateTimeOffset To);

/// <summary>What a complete reconciliation counted.</summary>
/// <param name="StripeIntents">Intents created in the window.</param>
/// <param name="StripeSucceeded">Of those, succeeded (money taken).</param>
/// <param name="StripeInvoicesPaid">Invoices paid in the window.</param>
/// <param name="OursPosted">Our payments posted in the window.</param>
/// <param name="Matched">Payments whose money at Stripe and record here agree.</param>
/// <param name="Pending">Payments charged at Stripe that are still in flight here.</param>
/// <param name="Mismatches">Every disagreement found.</param>
/// <param name="MismatchesKept">How many of them are kept with the report.</param>
/// <param name="ByKind">Mismatches by kind (every kind, zeros included).</param>
public sealed record ReconciliationSummary(
    int StripeIntents,
    int StripeSucceeded,
    int StripeInvoicesPaid,
    int OursPosted,
    int Matched,
    int Pending,
    int Mismatches,
    int MismatchesKept,
    IReadOnlyDictionary<string, int> ByKind);
