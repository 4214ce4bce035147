using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeEmulator;

/// <summary>Builds Stripe's JSON shapes for objects and errors.</summary>
internal static class StripeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static JsonObject PaymentIntent(EmulatedPaymentIntent pi)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in pi.Metadata)
        {
            metadata[key] = value;
        }

        return new JsonObject
        {
            ["id"] = pi.Id,
            ["object"] = "payment_intent",
            ["amount"] = pi.Amount,
            ["amount_received"] = pi.Status == "succeeded" ? pi.Amount : 0,
            ["currency"] = pi.Currency,
            ["status"] = pi.Status,
            ["payment_method"] = pi.PaymentMethod,
            ["description"] = pi.Description,
            ["metadata"] = metadata,
            ["created"] = pi.Created,
            ["livemode"] = false,
            ["latest_charge"] = pi.SucceededCharges > 0 ? "ch_" + pi.Id[3..] : null,
            ["last_payment_error"] = pi.LastPaymentError is { } e
                ? new JsonObject { ["type"] = "card_error", ["code"] = e.Code, ["decline_code"] = e.DeclineCode, ["message"] = e.Message }
                : null,
            ["next_action"] = pi.Status != "requires_action"
                ? null
                : pi.NextActionUrl is { } url
                    ? new JsonObject { ["type"] = "redirect_to_url", ["redirect_to_url"] = new JsonObject { ["url"] = url, ["return_url"] = pi.ReturnUrl } }
                    : new JsonObject { ["type"] = "use_stripe_sdk", ["use_stripe_sdk"] = new JsonObject { ["type"] = "three_d_secure_redirect" } },
            ["payment_method_types"] = new JsonArray(pi.PaymentMethodTypes.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["automatic_payment_methods"] = pi.AutomaticPaymentMethods ? new JsonObject { ["enabled"] = true, ["allow_redirects"] = pi.AllowRedirects } : null,
            ["cancellation_reason"] = pi.CancellationReason,
        };
    }

    public static JsonObject Error(string type, string message, string? code = null, string? param = null, string? declineCode = null, JsonObject? paymentIntent = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null) { error["code"] = code; }
        if (param is not null) { error["param"] = param; }
        if (declineCode is not null) { error["decline_code"] = declineCode; }
        if (paymentIntent is not null) { error["payment_intent"] = paymentIntent; }
        return new JsonObject { ["error"] = error };
    }
}

/// <summary>An answer of the emulated API: status code and JSON body.</summary>
internal readonly record struct ApiAnswer(int StatusCode, JsonObject Body)
{
    public static ApiAnswer Ok(JsonObject body) => new(200, body);

    public static ApiAnswer InvalidRequest(string message, string? code = null, string? param = null) =>
        new(400, StripeJson.Error("invalid_request_error", message, code, param));

    public static ApiAnswer NotFound(string id, string param) =>
        new(404, StripeJson.Error("invalid_request_error", $"No such payment_intent: '{id}'", "resource_missing", param));
}
