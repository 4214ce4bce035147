namespace PaymentIntake;

/// <summary>
/// Every log event id of the core, in one place. Ids are part of the operations contract (alerts and queries match
/// them), so they never change meaning; a test checks that no two are equal. Ranges: 1xxx intake, 2xxx posting,
/// 3xxx reconciliation (31xx with Stripe), 4xxx webhooks, 5xxx vendor state and counters, 6xxx operations, 7xxx batches.
/// </summary>
public static class EventIds
{
    /// <summary>A payment was accepted.</summary>
    public const int PaymentAccepted = 1000;

    /// <summary>An idempotency key came again with another body.</summary>
    public const int IdempotencyKeyReused = 1001;

    /// <summary>A payment reached a status after an attempt.</summary>
    public const int AttemptOutcome = 2000;

    /// <summary>A payment waits for the vendor.</summary>
    public const int RetryLater = 2001;

    /// <summary>A message named a payment that is already final.</summary>
    public const int AlreadyDone = 2002;

    /// <summary>Another worker changed the row first.</summary>
    public const int ClaimedElsewhere = 2003;

    /// <summary>Posting failed with a bug or bad data.</summary>
    public const int PostingUnexpected = 2004;

    /// <summary>A transient vendor failure is retried within the attempt.</summary>
    public const int TransientRetry = 2005;

    /// <summary>Posting gave up waiting for the vendor.</summary>
    public const int GaveUp = 2006;

    /// <summary>An <c>action_required</c> payment was checked at the vendor and still waits for the member.</summary>
    public const int ActionStillRequired = 2007;

    /// <summary>An <c>action_required</c> payment was settled by a check at the vendor (its webhook never came).</summary>
    public const int ActionSettledByCheck = 2008;

    /// <summary>A posting attempt ran longer than an attempt can (hung): left behind, its claim and message handed back.</summary>
    public const int PostingStalled = 2009;

    /// <summary>The reconciler enqueued a payment without progress.</summary>
    public const int Requeued = 3000;

    /// <summary>The vendor is back: waiting payments were woken.</summary>
    public const int Woken = 3001;

    /// <summary>Payments without progress wait behind a queue backlog.</summary>
    public const int BehindBacklog = 3002;

    /// <summary>A dead instance's claims were taken over: its payments were sent again.</summary>
    public const int ClaimsTakenOver = 3003;

    /// <summary>A reconciliation with Stripe completed (the mismatch alert reads its <c>Mismatches</c>).</summary>
    public const int ReconciliationFinished = 3100;

    /// <summary>A reconciliation with Stripe failed (the mismatch alert fires on it too).</summary>
    public const int ReconciliationFailed = 3101;

    /// <summary>A webhook changed a payment.</summary>
    public const int WebhookApplied = 4000;

    /// <summary>A webhook was rejected (signature).</summary>
    public const int WebhookRejected = 4001;

    /// <summary>The vendor probe failed.</summary>
    public const int ProbeFailed = 5000;

    /// <summary>The vendor state changed (up, degraded, down, misconfigured): the outage and misconfiguration alerts match it.</summary>
    public const int VendorStateChanged = 5001;

    /// <summary>The vendor refused our key (401/403 to the probe): the misconfiguration alert matches it.</summary>
    public const int VendorMisconfigured = 5003;

    /// <summary>The minute's operations snapshot (vendor state, oldest unposted payment, poison, failed batches): the alerts read it.</summary>
    public const int OperationsSnapshot = 5200;

    /// <summary>A status count was skipped after contended tries.</summary>
    public const int CountSkipped = 5100;

    /// <summary>A status count was skipped because storage failed.</summary>
    public const int CountFailed = 5101;

    /// <summary>A message reached the poison store.</summary>
    public const int Poisoned = 6000;

    /// <summary>A batch was processed.</summary>
    public const int BatchProcessed = 7000;
}
