using System.Text.Json.Serialization;

namespace PaymentIntake.Operations;

/// <summary>A message that reached <c>payments-poison</c>, with why.</summary>
/// <param name="Id">Our id of the poisoned message (sortable: newest first).</param>
/// <param name="PaymentId">The payment it names, when it names one.</param>
/// <param name="Body">The message as it was on the queue.</param>
/// <param name="Reason"><c>max_dequeue_count</c> (the host gave up) or <c>vendor_unavailable</c> (we gave up).</param>
/// <param name="ExceptionType">Type of the last exception, or <c>VendorUnavailable</c>.</param>
/// <param name="ExceptionMessage">Its message.</param>
/// <param name="Origin">Where it was thrown.</param>
/// <param name="Fingerprint">Groups failures of one kind (type + origin).</param>
/// <param name="Attempts">Deliveries that failed before it was poisoned.</param>
/// <param name="FirstFailedAt">When the first delivery failed.</param>
/// <param name="PoisonedAt">When it was recorded here.</param>
public sealed record PoisonRecord(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PaymentId,
    string Body,
    string Reason,
    string ExceptionType,
    string ExceptionMessage,
    string Origin,
    string Fingerprint,
    int Attempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? FirstFailedAt,
    DateTimeOffset PoisonedAt);

/// <summary>Poisoned messages of one kind.</summary>
public sealed record PoisonGroup(string Fingerprint, string ExceptionType, string Origin, int Count, DateTimeOffset NewestAt, string ExampleMessage);

/// <summary>The answer of <c>GET /api/ops/poison</c>.</summary>
public sealed record PoisonListing(int Total, IReadOnlyList<PoisonGroup> Groups, IReadOnlyList<PoisonRecord> Messages, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextPageToken);
