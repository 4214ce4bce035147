using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StripeEmulator;

/// <summary>The PaymentIntent endpoints' behaviour, strict where Stripe is strict; each rule names the Stripe doc it follows.</summary>
internal static partial class PaymentIntentLogic
{
    private const string ReturnUrlRequired =
        "A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.";

    private static readonly string[] Cancelable = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];

    public static ApiAnswer Create(EmulatorState state, IFormCollection form, string baseUrl, string apiVersion)
    {
        var amount = long.Parse(form["amount"].ToString(), CultureInfo.InvariantCulture);
        if (amount < 1)
        {
            // docs.stripe.com/api/payment_intents/create#create_payment_intent-amount: a positive integer in the smallest unit.
            return ApiAnswer.InvalidRequest("This value must be greater than or equal to 1.", "parameter_invalid_integer", "amount");
        }

        var currency = form["currency"].ToString();
        if (!CurrencyCode().IsMatch(currency))
        {
            return ApiAnswer.InvalidRequest($"Invalid currency: {currency}. Stripe currently supports these currencies: …", "parameter_invalid_string_blank", "currency");
        }

        if (MinimumCharge.GetValueOrDefault(currency.ToLowerInvariant()) is > 0 and var minimum && amount < minimum)
        {
            // docs.stripe.com/currencies#minimum-and-maximum-charge-amounts: below the minimum, Stripe refuses the amount.
            return ApiAnswer.InvalidRequest(
                string.Create(CultureInfo.InvariantCulture, $"Amount must be at least {minimum} minor units in {currency.ToLowerInvariant()}."),
                "amount_too_small",
                "amount");
        }

        static List<string> ListOf(IFormCollection form, string name) =>
            form.Keys.Where(k => k.StartsWith(name + "[", StringComparison.Ordinal)).Select(k => form[k].ToString()).ToList();

        var types = ListOf(form, "payment_method_types");
        var allowed = ListOf(form, "allowed_payment_method_types");
        var apmGiven = form.ContainsKey("automatic_payment_methods[enabled]");
        if (types.Count > 0 && string.CompareOrdinal(apiVersion, "2026-09-30") >= 0)
        {
            // docs.stripe.com/changelog/endive/2026-09-30/removes-the-payment-method-types-parameter-from-payment-intents-and-setup-intents
            return ApiAnswer.InvalidRequest(
                $"The `payment_method_types` parameter is no longer supported on API version {apiVersion}. Use dynamic payment methods, `excluded_payment_method_types` or `allowed_payment_method_types` instead.",
                "payment_method_types_no_longer_supported",
                "payment_method_types");
        }

        if (allowed.Count > 0 && (types.Count > 0 || apmGiven || form.ContainsKey("excluded_payment_method_types[0]") || form.ContainsKey("payment_method_configuration")))
        {
            // docs.stripe.com/changelog/dahlia/2026-07-29/allowed-payment-method-types-parameter: mutually exclusive.
            return ApiAnswer.InvalidRequest("You may only specify one of these parameters: allowed_payment_method_types, automatic_payment_methods, excluded_payment_method_types, payment_method_configuration, payment_method_types.", code: null, param: "allowed_payment_method_types");
        }

        if (types.Count > 0 && apmGiven)
        {
            // docs.stripe.com/api/payment_intents/create: automatic_payment_methods and payment_method_types exclude each other.
            return ApiAnswer.InvalidRequest("You may only specify one of these parameters: automatic_payment_methods, payment_method_types.", code: null, param: "automatic_payment_methods");
        }

        if (types.FirstOrDefault(t => t != "card") is { } unsupported)
        {
            return ApiAnswer.InvalidRequest($"The payment method type \"{unsupported}\" is invalid. Please ensure the provided type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings) and your account is enabled for any preview features that you are trying to use.", code: null, param: "payment_method_types");
        }

        // allowed_payment_method_types filters silently to what is compatible (here: card) (changelog 2026-07-29).
        var explicitTypes = types.Count > 0 ? types : allowed.Where(t => t == "card").ToList();
        if (allowed.Count > 0 && explicitTypes.Count == 0)
        {
            return ApiAnswer.InvalidRequest("None of the payment method types in `allowed_payment_method_types` are available for this PaymentIntent.", code: null, param: "allowed_payment_method_types");
        }

        // docs.stripe.com/payments/payment-methods/integration-options: since API version 2023-08-16 automatic payment
        // methods are on by default when no explicit types are given, and allow_redirects defaults to "always".
        var automatic = explicitTypes.Count == 0 && (!apmGiven || form["automatic_payment_methods[enabled]"] == "true");
        var pi = new EmulatedPaymentIntent
        {
            Id = "pi_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Amount = amount,
            Currency = currency.ToLowerInvariant(),
            Description = NullIfEmpty(form["description"]),
            Metadata = form.Keys
                .Where(k => k.StartsWith("metadata[", StringComparison.Ordinal) && k.EndsWith(']'))
                .ToDictionary(k => k["metadata[".Length..^1], k => form[k].ToString(), StringComparer.Ordinal),
            Created = state.Time.GetUtcNow().ToUnixTimeSeconds(),
            SearchableAt = state.Time.GetUtcNow() + state.SearchLag,
            Sequence = state.NextSequence(),
            PaymentMethodTypes = explicitTypes.Count > 0 ? explicitTypes : ["card"],
            AutomaticPaymentMethods = automatic,
            AllowRedirects = automatic ? NullIfEmpty(form["automatic_payment_methods[allow_redirects]"]) ?? "always" : null,
            ReturnUrl = NullIfEmpty(form["return_url"]),
        };

        if (NullIfEmpty(form["payment_method"]) is { } paymentMethod)
        {
            var (method, error) = PaymentMethods.Use(state, paymentMethod, pi.Id);
            if (error is { } refused)
            {
                return refused;
            }

            pi.PaymentMethod = method!.Id;
            pi.Status = "requires_confirmation";
        }

        state.PaymentIntents[pi.Id] = pi;
        return form["confirm"] == "true"
            ? Confirm(state, pi, paymentMethod: null, returnUrl: null, baseUrl)
            : ApiAnswer.Ok(StripeJson.PaymentIntent(pi));
    }

    /// <summary>Stripe's minimum charge in a few currencies, in minor units (docs.stripe.com/currencies): usd $0.50, gbp £0.30, jpy ¥50, …</summary>
    private static readonly Dictionary<string, long> MinimumCharge = new(StringComparer.Ordinal)
    {
        ["usd"] = 50, ["eur"] = 50, ["gbp"] = 30, ["cad"] = 50, ["aud"] = 50, ["chf"] = 50, ["jpy"] = 50,
    };

    public static ApiAnswer Confirm(EmulatorState state, EmulatedPaymentIntent pi, string? paymentMethod, string? returnUrl, string baseUrl, string? confirmationToken = null)
    {
        lock (pi)
        {
            if (pi.Status is not ("requires_payment_method" or "requires_confirmation"))
            {
                // docs.stripe.com/payments/paymentintents/lifecycle: only these statuses can be confirmed.
                return new(400, StripeJson.Error(
                    "invalid_request_error",
                    $"You cannot confirm this PaymentIntent because it has a status of {pi.Status}.",
                    "payment_intent_unexpected_state",
                    paymentIntent: StripeJson.PaymentIntent(pi)));
            }

            if (confirmationToken is not null)
            {
                // docs.stripe.com/api/payment_intents/confirm#confirm_payment_intent-confirmation_token: values on the
                // token are written onto the intent; a value given in the request itself takes precedence.
                var (fromToken, token, refused) = ConfirmationTokens.Use(state, confirmationToken, pi.Id);
                if (refused is { } refusal)
                {
                    return refusal;
                }

                pi.PaymentMethod = paymentMethod is null ? fromToken!.Id : pi.PaymentMethod;
                returnUrl ??= token!.ReturnUrl;
            }

            if (paymentMethod is not null && paymentMethod != pi.PaymentMethod)
            {
                var (method, error) = PaymentMethods.Use(state, paymentMethod, pi.Id);
                if (error is { } refused)
                {
                    return refused;
                }

                pi.PaymentMethod = method!.Id;
            }

            pi.ReturnUrl = returnUrl ?? pi.ReturnUrl;
            if (pi.PaymentMethod is null)
            {
                return ApiAnswer.InvalidRequest("You must provide a payment_method to confirm this PaymentIntent.", "payment_intent_unexpected_state", "payment_method");
            }

            if (pi.AutomaticPaymentMethods && pi.AllowRedirects != "never" && pi.ReturnUrl is null)
            {
                // docs.stripe.com/api/payment_intents/confirm#confirm_payment_intent-return_url: required when redirects are allowed.
                return ApiAnswer.InvalidRequest(ReturnUrlRequired, code: null, param: "return_url");
            }

            var behaviour = state.PaymentMethods[pi.PaymentMethod].Behaviour;
            if (PaymentMethods.Succeeding.Contains(behaviour))
            {
                pi.Status = "succeeded";
                pi.LastPaymentError = null;
                pi.SucceededCharges++;
                WebhookSender.Publish(state, "payment_intent.succeeded", pi);
                return ApiAnswer.Ok(StripeJson.PaymentIntent(pi));
            }

            if (PaymentMethods.Declining.TryGetValue(behaviour, out var decline))
            {
                // docs.stripe.com/declines: a declined confirm answers 402 card_error and leaves requires_payment_method.
                // The intent drops the method, and a method attached to no Customer is spent: it "may not be used again"
                // (docs.stripe.com/payments/paymentintents/lifecycle: after a failure, provide a new payment method).
                pi.Status = "requires_payment_method";
                pi.LastPaymentError = decline;
                var spent = state.PaymentMethods[pi.PaymentMethod];
                spent.Consumed = spent.Customer is null;
                pi.PaymentMethod = null;
                WebhookSender.Publish(state, "payment_intent.payment_failed", pi);
                return new(402, StripeJson.Error("card_error", decline.Message, decline.Code, param: null, decline.DeclineCode, StripeJson.PaymentIntent(pi)));
            }

            // docs.stripe.com/payments/3d-secure: with a return_url the next action is a redirect the member can open;
            // without one it is use_stripe_sdk, which only Stripe.js in the member's browser can complete.
            pi.Status = "requires_action";
            pi.NextActionUrl = pi.ReturnUrl is null ? null : $"{baseUrl.TrimEnd('/')}/_emulator/authenticate/{pi.Id}";
            return ApiAnswer.Ok(StripeJson.PaymentIntent(pi));
        }
    }

    public static ApiAnswer Cancel(EmulatorState state, EmulatedPaymentIntent pi, IFormCollection form)
    {
        lock (pi)
        {
            if (!Cancelable.Contains(pi.Status))
            {
                // docs.stripe.com/api/payment_intents/cancel: only these statuses can be canceled.
                return new(400, StripeJson.Error(
                    "invalid_request_error",
                    $"You cannot cancel this PaymentIntent because it has a status of {pi.Status}. Only a PaymentIntent with one of the following statuses may be canceled: {string.Join(", ", Cancelable)}.",
                    "payment_intent_unexpected_state",
                    paymentIntent: StripeJson.PaymentIntent(pi)));
            }

            pi.Status = "canceled";
            pi.CancellationReason = NullIfEmpty(form["cancellation_reason"]);
            WebhookSender.Publish(state, "payment_intent.canceled", pi);
            return ApiAnswer.Ok(StripeJson.PaymentIntent(pi));
        }
    }

    /// <summary>
    /// <c>GET /v1/payment_intents</c> (docs.stripe.com/api/payment_intents/list): newest first, paged as every list
    /// (<see cref="ListPage"/>). Unlike Search
    /// it reads the intents themselves: one just created is listed at once.
    /// </summary>
    public static ApiAnswer List(EmulatorState state, Microsoft.AspNetCore.Http.IFormCollection form) =>
        ListPage.Of(state.PaymentIntents.Values, form, pi => pi.Id, pi => pi.Created, pi => pi.Sequence, pi => StripeJson.PaymentIntent(pi), "/v1/payment_intents", "payment_intent");

    /// <summary>
    /// <c>GET /v1/payment_intents/search</c> for the one query form the project uses, <c>metadata['key']:'value'</c>
    /// (docs.stripe.com/search#query-fields-for-payment-intents). Stripe's search index lags writes by up to a minute
    /// (docs.stripe.com/search#data-freshness); the emulator's does not.
    /// </summary>
    public static ApiAnswer Search(EmulatorState state, string query)
    {
        if (MetadataQuery().Match(query) is not { Success: true } match)
        {
            return ApiAnswer.InvalidRequest($"The emulator supports only metadata['key']:'value' queries; got: {query}", code: null, param: "query");
        }

        var (key, value) = (match.Groups["key"].Value, match.Groups["value"].Value);
        var data = new JsonArray(state.PaymentIntents.Values
            .Where(pi => pi.SearchableAt <= state.Time.GetUtcNow() && pi.Metadata.TryGetValue(key, out var v) && v == value)
            .OrderByDescending(pi => pi.Created)
            .Select(pi => (JsonNode)StripeJson.PaymentIntent(pi))
            .ToArray());
        return ApiAnswer.Ok(new JsonObject
        {
            ["object"] = "search_result",
            ["data"] = data,
            ["has_more"] = false,
            ["next_page"] = null,
            ["url"] = "/v1/payment_intents/search",
        });
    }

    /// <summary>Completes a pending authentication (what a member's browser would do).</summary>
    public static bool Authenticate(EmulatorState state, EmulatedPaymentIntent pi)
    {
        lock (pi)
        {
            if (pi.Status != "requires_action")
            {
                return false;
            }

            pi.Status = "succeeded";
            pi.SucceededCharges++;
            WebhookSender.Publish(state, "payment_intent.succeeded", pi);
            return true;
        }
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrEmpty(value) ? null : value.ToString();

    [GeneratedRegex("^[A-Za-z]{3}$")]
    private static partial Regex CurrencyCode();

    [GeneratedRegex(@"^\s*metadata\[['""](?<key>[^'""]+)['""]\]\s*:\s*['""](?<value>[^'""]*)['""]\s*$")]
    private static partial Regex MetadataQuery();
}
