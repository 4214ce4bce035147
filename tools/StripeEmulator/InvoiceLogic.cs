using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace StripeEmulator;

/// <summary>An emulated invoice (seeded through the control endpoint).</summary>
public sealed class EmulatedInvoice
{
    /// <summary>The id, <c>in_…</c>.</summary>
    public required string Id { get; init; }
    /// <summary>Amount due in minor units.</summary>
    public required long AmountDue { get; init; }
    /// <summary>Lower-case ISO currency.</summary>
    public required string Currency { get; init; }
    /// <summary>draft, open, paid, uncollectible, void.</summary>
    public string Status { get; set; } = "open";
    /// <summary>The customer.</summary>
    public string Customer { get; init; } = "cus_emulator";
    /// <summary>Metadata.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
    /// <summary>Times it was paid out of band (never more than one in a correct client).</summary>
    public int OutOfBandPayments { get; set; }
    /// <summary>Unix seconds.</summary>
    public long Created { get; init; }
}

/// <summary>The invoice endpoints' behaviour.</summary>
internal static class InvoiceLogic
{
    public static EmulatedInvoice Seed(EmulatorState state, string? id, long amountDue, string? currency, string? status)
    {
        var invoice = new EmulatedInvoice
        {
            Id = id ?? "in_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            AmountDue = amountDue,
            Currency = (currency ?? "usd").ToLowerInvariant(),
            Status = status ?? "open",
            Created = state.Time.GetUtcNow().ToUnixTimeSeconds(),
        };
        state.Invoices[invoice.Id] = invoice;
        return invoice;
    }

    public static JsonObject Json(EmulatedInvoice invoice)
    {
        lock (invoice)
        {
            var metadata = new JsonObject();
            foreach (var (key, value) in invoice.Metadata)
            {
                metadata[key] = value;
            }

            var paid = invoice.Status == "paid";
            return new JsonObject
            {
                ["id"] = invoice.Id,
                ["object"] = "invoice",
                ["amount_due"] = invoice.AmountDue,
                ["amount_paid"] = paid ? invoice.AmountDue : 0,
                ["amount_remaining"] = paid ? 0 : invoice.AmountDue,
                ["currency"] = invoice.Currency,
                ["customer"] = invoice.Customer,
                ["status"] = invoice.Status,
                ["paid"] = paid,
                ["paid_out_of_band"] = invoice.OutOfBandPayments > 0,
                ["metadata"] = metadata,
                ["created"] = invoice.Created,
                ["livemode"] = false,
            };
        }
    }

    public static ApiAnswer Update(EmulatedInvoice invoice, Microsoft.AspNetCore.Http.IFormCollection form)
    {
        lock (invoice)
        {
            foreach (var key in form.Keys.Where(k => k.StartsWith("metadata[", StringComparison.Ordinal) && k.EndsWith(']')))
            {
                invoice.Metadata[key["metadata[".Length..^1]] = form[key].ToString();
            }
        }

        return ApiAnswer.Ok(Json(invoice));
    }

    public static ApiAnswer Pay(EmulatedInvoice invoice, Microsoft.AspNetCore.Http.IFormCollection form)
    {
        lock (invoice)
        {
            if (invoice.Status is not ("open" or "uncollectible"))
            {
                // docs.stripe.com/invoicing/overview#invoice-statuses: only open and uncollectible invoices can be paid;
                // a draft must be finalized first, paid and void are final.
                return new(400, StripeJson.Error(
                    "invalid_request_error",
                    string.Create(CultureInfo.InvariantCulture, $"You cannot pay this invoice because it has a status of {invoice.Status}."),
                    invoice.Status == "paid" ? "invoice_already_paid" : "invoice_not_open"));
            }

            if (!string.Equals(form["paid_out_of_band"], "true", StringComparison.OrdinalIgnoreCase))
            {
                return ApiAnswer.InvalidRequest("The emulator pays invoices only out of band (paid_out_of_band=true).", "parameter_missing", "paid_out_of_band");
            }

            invoice.Status = "paid";
            invoice.OutOfBandPayments++;
        }

        return ApiAnswer.Ok(Json(invoice));
    }
}
