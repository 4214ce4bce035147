namespace StripeEmulator;

/// <summary>
/// PaymentMethods: Stripe's test shortcuts and the ones a front end creates. A test shortcut such as
/// <c>pm_card_visa</c> may be used in any request in test mode and stands for a fresh card each time
/// (docs.stripe.com/testing#cards: "use a PaymentMethod such as pm_card_visa"); the intent then names the new
/// PaymentMethod. A PaymentMethod not attached to a Customer can be used by one PaymentIntent only
/// (docs.stripe.com/payments/payment-methods#transactions: reuse needs a Customer; Stripe's 400 says it "may not be used again").
/// </summary>
internal static class PaymentMethods
{
    /// <summary>Test shortcuts that succeed.</summary>
    public static readonly HashSet<string> Succeeding = new(StringComparer.Ordinal)
    {
        "pm_card_visa", "pm_card_mastercard", "pm_card_amex", "pm_card_discover", "pm_card_visa_debit",
    };

    /// <summary>Test shortcuts that are declined, with Stripe's error (docs.stripe.com/testing#declined-payments).</summary>
    public static readonly Dictionary<string, (string Code, string? DeclineCode, string Message)> Declining = new(StringComparer.Ordinal)
    {
        ["pm_card_chargeDeclined"] = ("card_declined", "generic_decline", "Your card was declined."),
        ["pm_card_chargeDeclinedInsufficientFunds"] = ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
        ["pm_card_chargeDeclinedExpiredCard"] = ("expired_card", "expired_card", "Your card has expired."),
        // A decline that asks to try again ("processing_error": "the payment should be attempted again"); no decline_code.
        ["pm_card_chargeDeclinedProcessingError"] = ("processing_error", null, "An error occurred while processing your card. Try again in a little bit."),
    };

    /// <summary>The test shortcut that requires 3-D Secure on every payment (docs.stripe.com/testing#regulatory-cards).</summary>
    public const string AuthenticationRequired = "pm_card_authenticationRequired";

    public static bool IsShortcut(string id) => Succeeding.Contains(id) || Declining.ContainsKey(id) || id == AuthenticationRequired;

    /// <summary>The PaymentMethod an intent uses when given <paramref name="id"/>: a fresh one for a shortcut; an error when unknown or used.</summary>
    public static (EmulatedPaymentMethod? Method, ApiAnswer? Error) Use(EmulatorState state, string id, string intentId)
    {
        if (IsShortcut(id))
        {
            var fresh = state.CreatePaymentMethod(id);
            fresh.UsedBy = intentId;
            return (fresh, null);
        }

        if (!state.PaymentMethods.TryGetValue(id, out var method))
        {
            return (null, ApiAnswer.InvalidRequest($"No such PaymentMethod: '{id}'", "resource_missing", "payment_method"));
        }

        lock (method)
        {
            if (method.Consumed || (method.UsedBy is { } other && other != intentId))
            {
                return (null, ApiAnswer.InvalidRequest(
                    "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.",
                    code: null,
                    param: "payment_method"));
            }

            method.UsedBy = intentId;
        }

        return (method, null);
    }

    /// <summary>
    /// <c>POST /v1/payment_methods/{id}/attach</c> (docs.stripe.com/api/payment_methods/attach): a test shortcut attaches a
    /// fresh PaymentMethod; one already used by an intent without a Customer cannot be attached (it may not be used again).
    /// </summary>
    public static ApiAnswer Attach(EmulatorState state, string id, string customer)
    {
        EmulatedPaymentMethod method;
        if (IsShortcut(id))
        {
            method = state.CreatePaymentMethod(id);
        }
        else if (!state.PaymentMethods.TryGetValue(id, out method!))
        {
            return ApiAnswer.InvalidRequest($"No such PaymentMethod: '{id}'", "resource_missing", "payment_method");
        }

        lock (method)
        {
            if (method.Customer is { } other && other != customer)
            {
                return ApiAnswer.InvalidRequest($"The payment method you provided has already been attached to a customer ({other}).", code: null, param: "customer");
            }

            if (method.UsedBy is not null && method.Customer is null)
            {
                return ApiAnswer.InvalidRequest("The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.", code: null, param: "payment_method");
            }

            method.Customer = customer;
        }

        return ApiAnswer.Ok(Json(method));
    }

    /// <summary><c>POST /v1/payment_methods</c> with <c>type=card</c> and a test token (<c>card[token]=tok_visa</c>), as Stripe.js would create one.</summary>
    public static ApiAnswer Create(EmulatorState state, Microsoft.AspNetCore.Http.IFormCollection form)
    {
        var token = form["card[token]"].ToString();
        var behaviour = token.StartsWith("tok_", StringComparison.Ordinal) ? "pm_card_" + token[4..] : "";
        if (!IsShortcut(behaviour))
        {
            return ApiAnswer.InvalidRequest($"No such token: '{token}'", "resource_missing", "card[token]");
        }

        return ApiAnswer.Ok(Json(state.CreatePaymentMethod(behaviour)));
    }

    public static System.Text.Json.Nodes.JsonObject Json(EmulatedPaymentMethod pm) => new()
    {
        ["id"] = pm.Id,
        ["object"] = "payment_method",
        ["type"] = "card",
        ["customer"] = pm.Customer,
        ["livemode"] = false,
    };
}
