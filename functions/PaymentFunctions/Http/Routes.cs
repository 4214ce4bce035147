namespace PaymentFunctions.Http;

/// <summary>
/// URLs the API hands out (<c>Location</c>, <c>statusUrl</c>): the routes belong to the triggers, not the core.
/// The prefix is host.json's <c>extensions.http.routePrefix</c>.
/// </summary>
internal static class Routes
{
    public const string Prefix = "/api/";

    public const string Payment = "payments/{paymentId}";

    public const string Batch = "batches/{batchId}";

    public const string Reconciliations = "ops/reconciliations";

    public const string Reconciliation = Reconciliations + "/{reconciliationId}";

    public static string PaymentUrl(string paymentId) => Prefix + Payment.Replace("{paymentId}", paymentId, StringComparison.Ordinal);

    public static string ReconciliationUrl(string reconciliationId) => Prefix + Reconciliation.Replace("{reconciliationId}", reconciliationId, StringComparison.Ordinal);

    public static string BatchUrl(string batchId) => Prefix + Batch.Replace("{batchId}", batchId, StringComparison.Ordinal);
}
