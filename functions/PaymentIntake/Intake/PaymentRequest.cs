namespace PaymentIntake.Intake;

/// <summary>A validated, normalised payment submitted to <c>POST /api/payments</c>.</summary>
/// <param name="MemberId">The member who pays.</param>
/// <param name="Amount">Amount in minor units (45600 = $456.00).</param>
/// <param name="Currency">Lower-case ISO 4217 code.</param>
/// <param name="PaymentMethodId">A Stripe PaymentMethod id (<c>pm_…</c>), or "" when the payment comes with a ConfirmationToken.</param>
/// <param name="InvoiceId">Optional invoice the payment is for.</param>
/// <param name="Description">Optional free text.</param>
/// <param name="ConfirmationTokenId">
/// A Stripe ConfirmationToken id (<c>ctoken_…</c>) the front end created instead of a PaymentMethod; null otherwise
/// (and then left out of the request's hash, so the hash of a PaymentMethod payment is what it always was).
/// </param>
public sealed record PaymentRequest(
    string MemberId,
    long Amount,
    string Currency,
    string PaymentMethodId,
    string? InvoiceId,
    string? Description,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? ConfirmationTokenId = null);
