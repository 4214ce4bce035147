using System.Text.Json.Serialization;
using PaymentIntake.Payments;

namespace PaymentIntake.Intake;

/// <summary>
/// The answer to an accepted payment (<c>202</c>): the member's proof of paying at <see cref="AcceptedAt"/>.
/// <see cref="StatusUrl"/> is filled in by the HTTP trigger, which owns the routes.
/// </summary>
public sealed record PaymentReceipt(
    string PaymentId,
    string Status,
    DateTimeOffset AcceptedAt,
    long Amount,
    string Currency,
    string MemberId)
{
    /// <summary>Where the payment's status can be read (relative URL).</summary>
    public string? StatusUrl { get; init; }

    /// <summary>The deadline it met (<see cref="Deadlines.DeadlineCalendar"/>); absent without a calendar.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Deadlines.DeadlineView? Deadline { get; init; }

    internal static PaymentReceipt From(Payment row) =>
        new(row.PaymentId, row.Status, row.AcceptedAt, row.Amount, row.Currency, row.MemberId);
}

/// <summary>A payment as <c>GET /api/payments/{paymentId}</c> shows it.</summary>
public sealed record PaymentView(
    string PaymentId,
    string Status,
    DateTimeOffset AcceptedAt,
    long Amount,
    string Currency,
    string MemberId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InvoiceId,
    int Attempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? VendorReference,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastError,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeclineCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? NextAttemptAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextActionUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PostedAt,
    int ReplayCount,
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CheckNumber,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReceivedDate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BatchId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? BatchLine,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description)
{
    /// <summary>The deadline it met (<see cref="Deadlines.DeadlineCalendar"/>); absent without a calendar.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Deadlines.DeadlineView? Deadline { get; init; }

    internal static PaymentView From(Payment row) => new(
        row.PaymentId, row.Status, row.AcceptedAt, row.Amount, row.Currency, row.MemberId, row.InvoiceId, row.Attempts,
        row.VendorReference, row.LastError, row.DeclineCode,
        row.Status == PaymentStatus.Accepted ? row.NextAttemptAt : null,
        row.NextActionUrl, row.PostedAt, row.ReplayCount, row.Kind, row.CheckNumber, row.ReceivedDate, row.BatchId, row.BatchLine, row.Description);
}

/// <summary>A payment's history as <c>GET /api/payments/{paymentId}/history</c> shows it: every move, oldest first.</summary>
public sealed record PaymentHistoryView(string PaymentId, string Status, string MemberId, IReadOnlyList<PaymentMove> Moves);

/// <summary>A member's payments as <c>GET /api/payments?memberId=…</c> shows them, newest accepted first.</summary>
public sealed record MemberPaymentsView(string MemberId, IReadOnlyList<PaymentView> Payments);
