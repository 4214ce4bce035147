using Azure;
using Azure.Data.Tables;
using PaymentIntake.Storage;

namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// One claim per invoice (table <c>invoiceclaims</c>, insert-if-absent), taken before any vendor call, so that
/// exactly one payment — card or check — settles an invoice, whatever mix of payments arrives for it. A claimant that
/// settled nothing (declined, refused) gives its claim back.
/// </summary>
public sealed class InvoiceClaims(TableServiceClient tables, StorageNames names, TimeProvider time)
{
    private const string Row = "claim";
    private readonly LazyTable _table = new(tables, names.InvoiceClaimsTable);

    /// <summary>Claims <paramref name="invoiceId"/> for <paramref name="paymentId"/>; returns the payment that holds it.</summary>
    public async Task<string> ClaimAsync(string invoiceId, string paymentId, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        string? holder = null;
        await OptimisticConcurrency.RetryAsync(5, async _ =>
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(invoiceId, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (existing.HasValue)
            {
                holder = existing.Value!.GetString("PaymentId");
                return true;
            }

            await table.AddEntityAsync(new TableEntity(invoiceId, Row) { ["PaymentId"] = paymentId, ["ClaimedAt"] = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            holder = paymentId;
            return true;
        }).ConfigureAwait(false);
        return holder ?? throw new InvalidOperationException($"Invoice {invoiceId} kept changing while payment {paymentId} claimed it.");
    }

    /// <summary>Gives the claim back if <paramref name="paymentId"/> holds it (it settled nothing).</summary>
    public async Task ReleaseAsync(string invoiceId, string paymentId, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(invoiceId, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.HasValue && existing.Value!.GetString("PaymentId") == paymentId)
        {
            try
            {
                await table.DeleteEntityAsync(invoiceId, Row, existing.Value.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }
        }
    }

    /// <summary>The payment holding the claim on <paramref name="invoiceId"/>, or null.</summary>
    public async Task<string?> HolderAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var table = await _table.ReadyAsync().ConfigureAwait(false);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(invoiceId, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return existing.HasValue ? existing.Value!.GetString("PaymentId") : null;
    }
}
