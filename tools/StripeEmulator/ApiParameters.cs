using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace StripeEmulator;

/// <summary>The kinds of value a Stripe API parameter takes (form-encoded, as Stripe.net sends them).</summary>
internal enum ParamKind
{
    String,
    Integer,
    Boolean,
    /// <summary><c>metadata[key]=value</c>: any keys.</summary>
    Map,
    /// <summary><c>name[0]=value</c> (or <c>name[]</c>).</summary>
    List,
    /// <summary><c>name[field]=value</c> with known fields.</summary>
    Object,
}

/// <summary>One parameter of an endpoint.</summary>
internal sealed record Param(ParamKind Kind, bool Required = false, string[]? OneOf = null, IReadOnlyDictionary<string, Param>? Fields = null);

/// <summary>
/// The parameters each endpoint the project calls accepts, and Stripe's answers to a request outside them: an unknown
/// parameter is 400 <c>parameter_unknown</c>, a missing required one 400 <c>parameter_missing</c>, a malformed integer
/// 400 <c>parameter_invalid_integer</c>, an empty value 400 <c>parameter_invalid_empty</c> (docs.stripe.com/error-codes).
/// Such requests fail validation, so they are never saved under an idempotency key (docs.stripe.com/api/idempotent_requests).
/// </summary>
internal static class ApiParameters
{
    private static readonly Param Expand = new(ParamKind.List);
    private static readonly Param Metadata = new(ParamKind.Map);

    // docs.stripe.com/api/payment_intents/create
    public static readonly IReadOnlyDictionary<string, Param> CreatePaymentIntent = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["amount"] = new(ParamKind.Integer, Required: true),
        ["currency"] = new(ParamKind.String, Required: true),
        ["payment_method"] = new(ParamKind.String),
        ["payment_method_types"] = new(ParamKind.List),
        ["allowed_payment_method_types"] = new(ParamKind.List),
        ["excluded_payment_method_types"] = new(ParamKind.List),
        ["payment_method_configuration"] = new(ParamKind.String),
        ["automatic_payment_methods"] = new(ParamKind.Object, Fields: new Dictionary<string, Param>(StringComparer.Ordinal)
        {
            ["enabled"] = new(ParamKind.Boolean, Required: true),
            ["allow_redirects"] = new(ParamKind.String, OneOf: ["always", "never"]),
        }),
        ["confirm"] = new(ParamKind.Boolean),
        ["return_url"] = new(ParamKind.String),
        ["description"] = new(ParamKind.String),
        ["metadata"] = Metadata,
        ["customer"] = new(ParamKind.String),
        ["capture_method"] = new(ParamKind.String, OneOf: ["automatic", "automatic_async", "manual"]),
        ["off_session"] = new(ParamKind.Boolean),
        ["receipt_email"] = new(ParamKind.String),
        ["statement_descriptor_suffix"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/payment_intents/confirm
    public static readonly IReadOnlyDictionary<string, Param> ConfirmPaymentIntent = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["payment_method"] = new(ParamKind.String),
        ["confirmation_token"] = new(ParamKind.String),
        ["return_url"] = new(ParamKind.String),
        ["off_session"] = new(ParamKind.Boolean),
        ["receipt_email"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/confirmation_tokens/test_create
    public static readonly IReadOnlyDictionary<string, Param> CreateConfirmationToken = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["payment_method"] = new(ParamKind.String),
        ["payment_method_data"] = new(ParamKind.Object, Fields: new Dictionary<string, Param>(StringComparer.Ordinal) { ["type"] = new(ParamKind.String, Required: true) }),
        ["return_url"] = new(ParamKind.String),
        ["setup_future_usage"] = new(ParamKind.String, OneOf: ["off_session", "on_session"]),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/payment_intents/cancel
    public static readonly IReadOnlyDictionary<string, Param> CancelPaymentIntent = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["cancellation_reason"] = new(ParamKind.String, OneOf: ["duplicate", "fraudulent", "requested_by_customer", "abandoned"]),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/payment_intents/retrieve
    public static readonly IReadOnlyDictionary<string, Param> RetrievePaymentIntent = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["client_secret"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/payment_intents/search
    public static readonly IReadOnlyDictionary<string, Param> SearchPaymentIntents = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["query"] = new(ParamKind.String, Required: true),
        ["limit"] = new(ParamKind.Integer),
        ["page"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/invoices/list and docs.stripe.com/api/pagination
    /// <summary><c>GET /v1/invoices</c>.</summary>
    public static readonly IReadOnlyDictionary<string, Param> ListInvoices = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["created"] = new(ParamKind.Object, Fields: new Dictionary<string, Param>(StringComparer.Ordinal)
        {
            ["gt"] = new(ParamKind.Integer),
            ["gte"] = new(ParamKind.Integer),
            ["lt"] = new(ParamKind.Integer),
            ["lte"] = new(ParamKind.Integer),
        }),
        ["collection_method"] = new(ParamKind.String),
        ["customer"] = new(ParamKind.String),
        ["status"] = new(ParamKind.String),
        ["subscription"] = new(ParamKind.String),
        ["limit"] = new(ParamKind.Integer),
        ["starting_after"] = new(ParamKind.String),
        ["ending_before"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/invoice-payment/list
    public static readonly IReadOnlyDictionary<string, Param> ListInvoicePayments = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["created"] = ListInvoices["created"],
        ["invoice"] = new(ParamKind.String),
        ["payment"] = new(ParamKind.Object, Fields: new Dictionary<string, Param>(StringComparer.Ordinal)
        {
            ["type"] = new(ParamKind.String),
            ["payment_intent"] = new(ParamKind.String),
            ["payment_record"] = new(ParamKind.String),
        }),
        ["status"] = new(ParamKind.String),
        ["limit"] = new(ParamKind.Integer),
        ["starting_after"] = new(ParamKind.String),
        ["ending_before"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/payment_intents/list and docs.stripe.com/api/pagination
    public static readonly IReadOnlyDictionary<string, Param> ListPaymentIntents = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["created"] = new(ParamKind.Object, Fields: new Dictionary<string, Param>(StringComparer.Ordinal)
        {
            ["gt"] = new(ParamKind.Integer),
            ["gte"] = new(ParamKind.Integer),
            ["lt"] = new(ParamKind.Integer),
            ["lte"] = new(ParamKind.Integer),
        }),
        ["customer"] = new(ParamKind.String),
        ["limit"] = new(ParamKind.Integer),
        ["starting_after"] = new(ParamKind.String),
        ["ending_before"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/payment_methods/create
    public static readonly IReadOnlyDictionary<string, Param> CreatePaymentMethod = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["type"] = new(ParamKind.String, Required: true, OneOf: ["card"]),
        ["card"] = new(ParamKind.Object, Fields: new Dictionary<string, Param>(StringComparer.Ordinal) { ["token"] = new(ParamKind.String, Required: true) }),
        ["metadata"] = Metadata,
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/payment_methods/attach
    public static readonly IReadOnlyDictionary<string, Param> AttachPaymentMethod = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["customer"] = new(ParamKind.String, Required: true),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/invoices/retrieve and docs.stripe.com/api/balance/balance_retrieve
    public static readonly IReadOnlyDictionary<string, Param> RetrieveOnly = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/invoices/update (the fields the project sends, and the common ones)
    public static readonly IReadOnlyDictionary<string, Param> UpdateInvoice = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["metadata"] = Metadata,
        ["description"] = new(ParamKind.String),
        ["footer"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    // docs.stripe.com/api/invoices/pay
    public static readonly IReadOnlyDictionary<string, Param> PayInvoice = new Dictionary<string, Param>(StringComparer.Ordinal)
    {
        ["paid_out_of_band"] = new(ParamKind.Boolean),
        ["forgive"] = new(ParamKind.Boolean),
        ["off_session"] = new(ParamKind.Boolean),
        ["payment_method"] = new(ParamKind.String),
        ["source"] = new(ParamKind.String),
        ["mandate"] = new(ParamKind.String),
        ["expand"] = Expand,
    };

    /// <summary>Checks the request's parameters against <paramref name="spec"/>; null when they pass.</summary>
    public static ApiAnswer? Validate(IEnumerable<KeyValuePair<string, StringValues>> values, IReadOnlyDictionary<string, Param> spec)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            var bracket = key.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? key : key[..bracket];
            var sub = bracket < 0 ? null : key[(bracket + 1)..].TrimEnd(']');
            if (!spec.TryGetValue(name, out var param))
            {
                return Unknown(name);
            }

            seen.Add(name);
            var text = value.ToString();
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                // docs.stripe.com/changelog/2015-10-12: invalid parameters are answered 400, whatever the endpoint.
                return Invalid($"Invalid string: {key} contains a null byte (\\u0000), which Stripe cannot store.", key);
            }
            var error = param.Kind switch
            {
                ParamKind.Map when sub is null => Invalid($"Invalid object: {name} must be a hash (e.g. {name}[key]=value).", name),
                ParamKind.Map => MetadataCheck(name, sub, text),
                ParamKind.List when sub is null || (sub.Length > 0 && !int.TryParse(sub, NumberStyles.None, CultureInfo.InvariantCulture, out _)) =>
                    Invalid($"Invalid array: {name} must be a list (e.g. {name}[0]=value).", name),
                ParamKind.List => EmptyCheck(text, $"{name}[{sub}]"),
                ParamKind.Object when sub is null => Invalid($"Invalid object: {name} must be a hash.", name),
                ParamKind.Object => param.Fields!.TryGetValue(sub, out var field) ? Scalar(field, text, $"{name}[{sub}]") : Unknown($"{name}[{sub}]"),
                _ when sub is not null => Invalid($"Invalid {param.Kind.ToString().ToLowerInvariant()}: {name} takes a single value, not a hash.", name),
                _ => Scalar(param, text, name),
            };
            if (error is not null)
            {
                return error;
            }
        }

        if (spec.TryGetValue("metadata", out var map) && map.Kind == ParamKind.Map
            && values.Count(v => v.Key.StartsWith("metadata[", StringComparison.Ordinal)) > MetadataMaxKeys)
        {
            return Invalid($"Invalid metadata: metadata can have at most {MetadataMaxKeys} keys.", "metadata");
        }

        foreach (var (name, param) in spec)
        {
            if (param.Required && !seen.Contains(name))
            {
                return ApiAnswer.InvalidRequest($"Missing required param: {name}.", "parameter_missing", name);
            }

            if (param is { Kind: ParamKind.Object, Fields: { } fields } && seen.Contains(name))
            {
                var present = values.Select(v => v.Key).Where(k => k.StartsWith(name + "[", StringComparison.Ordinal)).Select(k => k[(name.Length + 1)..].TrimEnd(']')).ToHashSet(StringComparer.Ordinal);
                if (fields.FirstOrDefault(f => f.Value.Required && !present.Contains(f.Key)) is { Key: { } missing })
                {
                    return ApiAnswer.InvalidRequest($"Missing required param: {name}[{missing}].", "parameter_missing", $"{name}[{missing}]");
                }
            }
        }

        return null;
    }

    // docs.stripe.com/metadata: "50 total key-value pairs"; key "40 character limit", no square brackets; value "500 character limit".
    private const int MetadataMaxKeys = 50;
    private const int MetadataMaxKeyLength = 40;
    private const int MetadataMaxValueLength = 500;

    private static ApiAnswer? MetadataCheck(string name, string key, string value) =>
        key.Length is 0 or > MetadataMaxKeyLength || key.AsSpan().IndexOfAny('[', ']') >= 0
            ? Invalid($"Invalid {name}: keys must be 1 to {MetadataMaxKeyLength} characters without square brackets.", name)
            : value.Length > MetadataMaxValueLength
                ? Invalid($"Invalid {name}[{key}]: must be at most {MetadataMaxValueLength} characters.", $"{name}[{key}]")
                : null;

    private static ApiAnswer? Scalar(Param param, string text, string name)
    {
        if (EmptyCheck(text, name) is { } empty)
        {
            return empty;
        }

        return param.Kind switch
        {
            ParamKind.Integer when !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) =>
                ApiAnswer.InvalidRequest($"Invalid integer: {text}", "parameter_invalid_integer", name),
            ParamKind.Boolean when text is not ("true" or "false") => Invalid($"Invalid boolean: {text}", name),
            _ when param.OneOf is { } allowed && !allowed.Contains(text, StringComparer.Ordinal) =>
                Invalid($"Invalid {name}: must be one of {string.Join(", ", allowed)}", name),
            _ => null,
        };
    }

    private static ApiAnswer? EmptyCheck(string text, string name) =>
        text.Length == 0
            ? ApiAnswer.InvalidRequest($"You passed an empty string for '{name}'. We assume empty values are an attempt to unset a parameter; however '{name}' cannot be unset. You should remove '{name}' from your request or supply a non-empty value.", "parameter_invalid_empty", name)
            : null;

    private static ApiAnswer Unknown(string name) =>
        ApiAnswer.InvalidRequest($"Received unknown parameter: {name}", "parameter_unknown", name);

    private static ApiAnswer Invalid(string message, string name) => ApiAnswer.InvalidRequest(message, code: null, param: name);
}
