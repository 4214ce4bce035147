namespace PaymentIntake.Batches;

/// <summary>One valid line of a lockbox file: a paper check for an invoice.</summary>
/// <param name="Line">Line number in the file where the record starts (the header is line 1).</param>
/// <param name="MemberId">The member who paid.</param>
/// <param name="InvoiceId">The Stripe invoice the coupon names (<c>in_…</c>).</param>
/// <param name="Amount">Minor units.</param>
/// <param name="Currency">Lower-case ISO code.</param>
/// <param name="CheckNumber">The check's number.</param>
/// <param name="ReceivedDate">When the lockbox received it: the payment's deadline-relevant date.</param>
/// <param name="PayerName">Optional name on the check.</param>
public sealed record CheckLine(int Line, string MemberId, string InvoiceId, long Amount, string Currency, string CheckNumber, DateOnly ReceivedDate, string? PayerName);

/// <summary>A line that was not accepted, with every reason in plain words.</summary>
public sealed record RejectedLine(int Line, IReadOnlyList<string> Reasons);
