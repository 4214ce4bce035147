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
    /// <summary>Times it was paid by charging a card (never more than one in a correct client).</summary>
    public int CardPayments { get; set; }
    /// <summary>Card payment attempts on it, declined ones included.</summary>
    public int AttemptCount { get; set; }
    /// <summary>Unix seconds.</summary>
    public long Created { get; init; }
    /// <summary>Order of creation (a list's tie-break within one second).</summary>
    public long Sequence { get; init; }
    /// <summary>When it became paid, Unix seconds (<c>status_transitions.paid_at</c>); null while unpaid.</summary>
    public long? PaidAt { get; set; }
    /// <summary>The page where the customer pays it (and completes 3-D Secure); null for a draft.</summary>
    public string? HostedInvoiceUrl { get; set; }
    /// <summary>The card waiting for the customer's authentication (null: none).</summary>
    public string? AwaitingAuthentication { get; set; }
    /// <summary>The intents Stripe made for its card payments (docs.stripe.com/api/invoice-payment), oldest first.</summary>
    public List<string> PaymentIntents { get; } = [];
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
            Sequence = state.NextSequence(),
        };
        if (invoice.Status == "paid")
        {
            invoice.PaidAt = invoice.Created;
        }

        // A finalized invoice has a hosted page where the customer pays it (docs.stripe.com/api/invoices/object#invoice_object-hosted_invoice_url).
        invoice.HostedInvoiceUrl = invoice.Status == "draft" ? null : $"{state.BaseUrl?.ToString().TrimEnd('/')}/_emulator/invoices/{invoice.Id}/hosted";
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
                // Since basil, amount_paid includes payments out of band, and over-payments are tracked apart
                // (docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices);
                // `paid` and `paid_out_of_band` are gone.
                ["amount_overpaid"] = 0,
                ["metadata"] = metadata,
                ["created"] = invoice.Created,
                ["livemode"] = false,
                ["hosted_invoice_url"] = invoice.HostedInvoiceUrl,
                // docs.stripe.com/api/invoices/object#invoice_object-status_transitions: when it became paid.
                ["status_transitions"] = new JsonObject { ["paid_at"] = invoice.PaidAt },
            };
        }
    }

    /// <summary>
    /// <c>GET /v1/invoices</c> (docs.stripe.com/api/invoices/list): optionally only one <c>status</c> (draft, open, paid,
    /// uncollectible, void) or <c>customer</c>, paged as every list (<see cref="ListPage"/>) by the invoice's
    /// <c>created</c> — not by when it was paid, which only <c>status_transitions.paid_at</c> tells.
    /// </summary>
    public static ApiAnswer List(EmulatorState state, Microsoft.AspNetCore.Http.IFormCollection form)
    {
        var status = form["status"].ToString();
        if (status.Length > 0 && status is not ("draft" or "open" or "paid" or "uncollectible" or "void"))
        {
            return ApiAnswer.InvalidRequest($"Invalid status: must be one of draft, open, paid, uncollectible, or void", code: null, param: "status");
        }

        var customer = form["customer"].ToString();
        var invoices = state.Invoices.Values.Where(i => (status.Length == 0 || i.Status == status) && (customer.Length == 0 || i.Customer == customer)).ToList();
        return ListPage.Of(invoices, form, i => i.Id, i => i.Created, i => i.Sequence, i => Json(i), "/v1/invoices", "invoice");
    }

    /// <summary>The invoice becomes paid now (the caller holds its lock).</summary>
    private static void MarkPaid(EmulatorState state, EmulatedInvoice invoice)
    {
        invoice.Status = "paid";
        invoice.PaidAt = state.Time.GetUtcNow().ToUnixTimeSeconds();
    }

    /// <summary>
    /// The invoice is paid by the card <paramref name="paymentMethod"/> now (the caller holds its lock): Stripe charges it
    /// through a PaymentIntent of its own, which carries none of our metadata and is listed among the account's intents
    /// (support.stripe.com/questions/understand-how-billing-now-works-with-paymentintents), and an invoice payment links
    /// the two (docs.stripe.com/api/invoice-payment).
    /// </summary>
    private static void PaidByCard(EmulatorState state, EmulatedInvoice invoice, string? paymentMethod)
    {
        var now = state.Time.GetUtcNow();
        var pi = new EmulatedPaymentIntent
        {
            Id = "pi_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Amount = invoice.AmountDue,
            Currency = invoice.Currency,
            Description = "Payment for Invoice",
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal),
            Created = now.ToUnixTimeSeconds(),
            SearchableAt = now + state.SearchLag,
            Sequence = state.NextSequence(),
            InvoiceId = invoice.Id,
            PaymentMethod = paymentMethod,
            Status = "succeeded",
        };
        state.PaymentIntents[pi.Id] = pi;
        invoice.PaymentIntents.Add(pi.Id);
        MarkPaid(state, invoice);
        invoice.CardPayments++;
    }

    /// <summary>
    /// <c>GET /v1/invoice_payments</c> (docs.stripe.com/api/invoice-payment/list) for the card payments the emulator
    /// makes: by <c>invoice</c>, or by <c>payment[type]=payment_intent</c> and <c>payment[payment_intent]</c>; paged as
    /// every list.
    /// </summary>
    public static ApiAnswer ListPayments(EmulatorState state, Microsoft.AspNetCore.Http.IFormCollection form)
    {
        var (invoiceId, type, intent) = (form["invoice"].ToString(), form["payment[type]"].ToString(), form["payment[payment_intent]"].ToString());
        if (type.Length > 0 && type != "payment_intent" && type != "payment_record")
        {
            return ApiAnswer.InvalidRequest("Invalid payment[type]: must be one of payment_intent or payment_record", code: null, param: "payment[type]");
        }

        if (intent.Length > 0 && type != "payment_intent")
        {
            return ApiAnswer.InvalidRequest("payment[type] must be payment_intent when payment[payment_intent] is given.", code: null, param: "payment[type]");
        }

        var payments = state.Invoices.Values
            .Where(i => invoiceId.Length == 0 || i.Id == invoiceId)
            .SelectMany(i => { lock (i) { return i.PaymentIntents.Select(pi => (Invoice: i, Intent: state.PaymentIntents[pi])).ToList(); } })
            .Where(p => intent.Length == 0 || p.Intent.Id == intent)
            .ToList();
        return ListPage.Of(payments, form, p => "inpay_" + p.Intent.Id[3..], p => p.Intent.Created, p => p.Intent.Sequence, p => new JsonObject
        {
            ["id"] = "inpay_" + p.Intent.Id[3..],
            ["object"] = "invoice_payment",
            ["amount_paid"] = p.Intent.Amount,
            ["amount_requested"] = p.Intent.Amount,
            ["currency"] = p.Intent.Currency,
            ["invoice"] = p.Invoice.Id,
            ["is_default"] = p.Invoice.PaymentIntents[0] == p.Intent.Id,
            ["livemode"] = false,
            ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = p.Intent.Id },
            ["status"] = "paid",
            ["status_transitions"] = new JsonObject { ["paid_at"] = p.Intent.Created, ["canceled_at"] = null },
            ["created"] = p.Intent.Created,
        }, "/v1/invoice_payments", "invoice_payment");
    }

    /// <summary>The customer completes 3-D Secure on the hosted invoice page: the waiting card payment succeeds. False when none waits.</summary>
    public static bool Authenticate(EmulatorState state, EmulatedInvoice invoice)
    {
        lock (invoice)
        {
            if (invoice.AwaitingAuthentication is null || invoice.Status is not ("open" or "uncollectible"))
            {
                return false;
            }

            var method = invoice.AwaitingAuthentication;
            invoice.AwaitingAuthentication = null;
            PaidByCard(state, invoice, method);
            return true;
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

    public static ApiAnswer Pay(EmulatorState state, EmulatedInvoice invoice, Microsoft.AspNetCore.Http.IFormCollection form, string baseUrl)
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

            var outOfBand = form["paid_out_of_band"] == "true";
            var paymentMethod = form["payment_method"].ToString();
            if (outOfBand && paymentMethod.Length > 0)
            {
                return ApiAnswer.InvalidRequest("You may only specify one of these parameters: paid_out_of_band, payment_method.", code: null, param: "payment_method");
            }

            if (outOfBand)
            {
                MarkPaid(state, invoice);
                invoice.OutOfBandPayments++;
                return ApiAnswer.Ok(Json(invoice));
            }

            if (paymentMethod.Length == 0)
            {
                return ApiAnswer.InvalidRequest("This invoice cannot be paid: its customer has no default payment method. Pass payment_method or paid_out_of_band=true.", code: null, param: "payment_method");
            }

            // docs.stripe.com/api/invoices/pay#pay_invoice-payment_method: it must belong to the invoice's customer.
            if (!state.PaymentMethods.TryGetValue(paymentMethod, out var method) || method.Customer != invoice.Customer)
            {
                return ApiAnswer.InvalidRequest($"The PaymentMethod {paymentMethod} does not belong to the Customer {invoice.Customer} of invoice {invoice.Id}. Attach it to the Customer first.", code: null, param: "payment_method");
            }

            invoice.AttemptCount++;
            if (PaymentMethods.Declining.TryGetValue(method.Behaviour, out var decline))
            {
                return new(402, StripeJson.Error("card_error", decline.Message, decline.Code, param: null, decline.DeclineCode));
            }

            if (method.Behaviour == PaymentMethods.AuthenticationRequired)
            {
                // docs.stripe.com/api/invoices/pay#pay_invoice-off_session: off_session defaults to true, and a card that
                // needs 3-D Secure cannot be authenticated off-session: a decline (authentication_required). On-session
                // (off_session=false) the invoice's payment waits for the customer, who completes it on the hosted page.
                if (form["off_session"] != "false")
                {
                    return new(402, StripeJson.Error("card_error", "Your card was declined. This transaction requires authentication.", "card_declined", param: null, declineCode: "authentication_required"));
                }

                invoice.AwaitingAuthentication = method.Id;
                invoice.HostedInvoiceUrl ??= $"{baseUrl}/_emulator/invoices/{invoice.Id}/hosted";
                return new(402, StripeJson.Error("card_error", "This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.", "invoice_payment_intent_requires_action"));
            }

            PaidByCard(state, invoice, method.Id);
        }

        return ApiAnswer.Ok(Json(invoice));
    }
}
