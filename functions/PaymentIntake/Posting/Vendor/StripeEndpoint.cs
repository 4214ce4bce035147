namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// One named Stripe API operation, the unit of Stripe's per-endpoint rate limit: Stripe "considers each named API
/// operation a separate endpoint" — <c>POST /v1/payment_intents</c> and <c>GET /v1/payment_intents/{id}</c> are two,
/// and reads of different intents count against the one limit of <c>GET /v1/payment_intents/{id}</c>
/// (docs.stripe.com/rate-limits).
/// </summary>
/// <param name="Name">Method and path template, e.g. <c>POST /v1/payment_intents/{id}/confirm</c>.</param>
/// <param name="IsSearch">A Search API read, with its own lower limit (<see cref="StripeRateLimits.SearchPerSecond"/>).</param>
public sealed record StripeEndpoint(string Name, bool IsSearch = false)
{
    /// <summary><c>POST /v1/payment_intents</c>.</summary>
    public static readonly StripeEndpoint CreateIntent = new("POST /v1/payment_intents");

    /// <summary><c>GET /v1/payment_intents/{id}</c>.</summary>
    public static readonly StripeEndpoint RetrieveIntent = new("GET /v1/payment_intents/{id}");

    /// <summary><c>POST /v1/payment_intents/{id}/confirm</c>.</summary>
    public static readonly StripeEndpoint ConfirmIntent = new("POST /v1/payment_intents/{id}/confirm");

    /// <summary><c>POST /v1/payment_intents/{id}/cancel</c>.</summary>
    public static readonly StripeEndpoint CancelIntent = new("POST /v1/payment_intents/{id}/cancel");

    /// <summary><c>GET /v1/payment_intents</c> (a list).</summary>
    public static readonly StripeEndpoint ListIntents = new("GET /v1/payment_intents");

    /// <summary><c>GET /v1/payment_intents/search</c>.</summary>
    public static readonly StripeEndpoint SearchIntents = new("GET /v1/payment_intents/search", IsSearch: true);

    /// <summary><c>GET /v1/invoices</c> (a list).</summary>
    public static readonly StripeEndpoint ListInvoices = new("GET /v1/invoices");

    /// <summary><c>GET /v1/invoice_payments</c> (a list).</summary>
    public static readonly StripeEndpoint ListInvoicePayments = new("GET /v1/invoice_payments");

    /// <summary><c>GET /v1/invoices/{id}</c>.</summary>
    public static readonly StripeEndpoint RetrieveInvoice = new("GET /v1/invoices/{id}");

    /// <summary><c>POST /v1/invoices/{id}</c>.</summary>
    public static readonly StripeEndpoint UpdateInvoice = new("POST /v1/invoices/{id}");

    /// <summary><c>POST /v1/invoices/{id}/pay</c>.</summary>
    public static readonly StripeEndpoint PayInvoice = new("POST /v1/invoices/{id}/pay");

    /// <summary><c>POST /v1/payment_methods/{id}/attach</c>.</summary>
    public static readonly StripeEndpoint AttachPaymentMethod = new("POST /v1/payment_methods/{id}/attach");

    /// <summary><c>GET /v1/balance</c> (the probe).</summary>
    public static readonly StripeEndpoint RetrieveBalance = new("GET /v1/balance");
}
