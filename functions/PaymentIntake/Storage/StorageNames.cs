using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;

namespace PaymentIntake.Storage;

/// <summary>The names of the queues and tables, with the optional test-isolation prefix applied.</summary>
public sealed class StorageNames(IOptions<PaymentIntakeOptions> options)
{
    /// <summary>The queue of payments to post (<c>payments</c>).</summary>
    public string PaymentsQueue { get; } = Apply(options.Value.NamePrefix, QueueNames.Payments);

    /// <summary>Where messages go that cannot be processed (<c>payments-poison</c>).</summary>
    public string PaymentsPoisonQueue { get; } = Apply(options.Value.NamePrefix, QueueNames.PaymentsPoison);

    /// <summary>Mail-in batches waiting to be processed (<c>batches</c>).</summary>
    public string BatchesQueue { get; } = Apply(options.Value.NamePrefix, QueueNames.Batches);

    /// <summary>The table of payment rows (<c>payments</c>).</summary>
    public string PaymentsTable { get; } = Apply(options.Value.NamePrefix, "payments");

    /// <summary>The shared vendor state: circuit breaker (<c>vendorstate</c>).</summary>
    public string VendorStateTable { get; } = Apply(options.Value.NamePrefix, "vendorstate");

    /// <summary>The index of payments by the time they must have made progress (<c>paymentsdue</c>), read by the reconciler.</summary>
    public string PaymentsDueTable { get; } = Apply(options.Value.NamePrefix, "paymentsdue");

    /// <summary>Failures of queue messages, by message body, until they reach poison (<c>messagefailures</c>).</summary>
    public string MessageFailuresTable { get; } = Apply(options.Value.NamePrefix, "messagefailures");

    /// <summary>Poisoned messages with their reasons; they do not expire (<c>poison</c>).</summary>
    public string PoisonTable { get; } = Apply(options.Value.NamePrefix, "poison");

    /// <summary>Every operations action (<c>audit</c>).</summary>
    public string AuditTable { get; } = Apply(options.Value.NamePrefix, "audit");

    /// <summary>Mail-in batches: one row per batch id with its content hash and state (<c>batches</c>).</summary>
    public string BatchesTable { get; } = Apply(options.Value.NamePrefix, "batches");

    /// <summary>Every accepted check by member and check number, to refuse a check seen in an earlier batch (<c>checks</c>).</summary>
    public string ChecksTable { get; } = Apply(options.Value.NamePrefix, "checks");

    /// <summary>Blob container of raw batch files (as received, for audit) and their reports (<c>batches</c>).</summary>
    public string BatchesContainer { get; } = Apply(options.Value.NamePrefix, "batches");

    /// <summary>Heartbeats of the instances that share the vendor's rate (<c>vendorrate</c>).</summary>
    public string VendorRateTable { get; } = Apply(options.Value.NamePrefix, "vendorrate");

    /// <summary>Which payment settles each invoice, one claim per invoice (<c>invoiceclaims</c>).</summary>
    public string InvoiceClaimsTable { get; } = Apply(options.Value.NamePrefix, "invoiceclaims");

    /// <summary>How many payments met each deadline, by kind, status and local day (<c>deadlinecounts</c>).</summary>
    public string DeadlineCountsTable { get; } = Apply(options.Value.NamePrefix, "deadlinecounts");

    /// <summary>Payments by member, for lookups by member id (<c>paymentsbymember</c>).</summary>
    public string PaymentsByMemberTable { get; } = Apply(options.Value.NamePrefix, "paymentsbymember");

    /// <summary>How many payments reached each final status, per hour (<c>paymentcounts</c>).</summary>
    public string PaymentCountsTable { get; } = Apply(options.Value.NamePrefix, "paymentcounts");

    /// <summary>Payments by the hour they reached <c>posted</c>, for the reconciliation with Stripe (<c>paymentsposted</c>).</summary>
    public string PaymentsPostedTable { get; } = Apply(options.Value.NamePrefix, "paymentsposted");

    /// <summary>The reconciliations with Stripe: one row per report (<c>reconciliations</c>).</summary>
    public string ReconciliationsTable { get; } = Apply(options.Value.NamePrefix, "reconciliations");

    /// <summary>The mismatches each reconciliation found, in the report's partition (<c>reconciliationmismatches</c>).</summary>
    public string ReconciliationMismatchesTable { get; } = Apply(options.Value.NamePrefix, "reconciliationmismatches");

    /// <summary>Reconciliations waiting to run (<c>reconciliations</c>).</summary>
    public string ReconciliationsQueue { get; } = Apply(options.Value.NamePrefix, QueueNames.Reconciliations);

    /// <summary>Applies a prefix to a queue or table name as the trigger attributes name it.</summary>
    public static string Apply(string? prefix, string name) => string.IsNullOrEmpty(prefix) ? name : prefix + name;
}
