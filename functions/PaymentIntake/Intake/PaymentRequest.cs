namespace PaymentIntake.Intake;

/// <summary>A validated, normalised payment submitted to <c>POST /api/payments</c>.</summary>
/// <param name="MemberId">The member who pays.</param>
/// <param name="Amount">Amount in minor units (45600 = $456.00).</param>
/// <param name="Currency">Lower-case ISO 4217 code.</param>
/// <param name="PaymentMethodId">A Stripe PaymentMethod id (<c>pm_…</c>).</param>
/// <param name="InvoiceId">Optional invoice the payment is for.</param>
/// <param name="Description">Optional free text.</param>
public sealed record PaymentRequest(
    string MemberId,
    long Amount,
    string Currency,
    string PaymentMethodId,
    string? InvoiceId,
    string? Description);
