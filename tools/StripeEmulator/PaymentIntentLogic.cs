using System.Globalization;
using System.Security.Cryptography;

namespace StripeEmulator;

/// <summary>The PaymentIntent endpoints' behaviour, including Stripe's test payment methods.</summary>
internal static class PaymentIntentLogic
{
    private static readonly HashSet<string> SucceedingMethods = new(StringComparer.Ordinal)
    {
        "pm_card_visa", "pm_card_mastercard", "pm_card_amex", "pm_card_discover", "pm_card_visa_debit",
    };

    private static readonly Dictionary<string, (string Code, string DeclineCode, string Message)> DecliningMethods = new(StringComparer.Ordinal)
    {
        ["pm_card_chargeDeclined"] = ("card_declined", "generic_decline", "Your card was declined."),
        ["pm_card_chargeDeclinedInsufficientFunds"] = ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
        ["pm_card_chargeDeclinedExpiredCard"] = ("expired_card", "expired_card", "Your card has expired."),
    };

    public static ApiAnswer Create(EmulatorState state, IFormCollection form, string baseUrl)
    {
        if (!long.TryParse(form["amount"], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1)
        {
            return ApiAnswer.InvalidRequest("Missing or invalid required param: amount.", "parameter_missing", "amount");
        }

        var currency = form["currency"].ToString().ToLowerInvariant();
        if (currency.Length != 3)
        {
            return ApiAnswer.InvalidRequest("Missing or invalid required param: currency.", "parameter_missing", "currency");
        }

        var metadata = form.Keys
            .Where(k => k.StartsWith("metadata[", StringComparison.Ordinal) && k.EndsWith(']'))
            .ToDictionary(k => k["metadata[".Length..^1], k => form[k].ToString(), StringComparer.Ordinal);

        var pi = new EmulatedPaymentIntent
        {
            Id = "pi_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Amount = amount,
            Currency = currency,
            PaymentMethod = NullIfEmpty(form["payment_method"]),
            Description = NullIfEmpty(form["description"]),
            Metadata = metadata,
            Created = state.Time.GetUtcNow().ToUnixTimeSeconds(),
        };
        if (pi.PaymentMethod is not null)
        {
            pi.Status = "requires_confirmation";
        }

        state.PaymentIntents[pi.Id] = pi;
        return string.Equals(form["confirm"], "true", StringComparison.OrdinalIgnoreCase)
            ? Confirm(state, pi, paymentMethod: null, baseUrl)
            : ApiAnswer.Ok(StripeJson.PaymentIntent(pi));
    }

    public static ApiAnswer Confirm(EmulatorState state, EmulatedPaymentIntent pi, string? paymentMethod, string baseUrl)
    {
        lock (pi)
        {
            if (pi.Status is not ("requires_payment_method" or "requires_confirmation"))
            {
                return new(400, StripeJson.Error(
                    "invalid_request_error",
                    $"You cannot confirm this PaymentIntent because it has a status of {pi.Status}.",
                    "payment_intent_unexpected_state",
                    paymentIntent: StripeJson.PaymentIntent(pi)));
            }

            pi.PaymentMethod = paymentMethod ?? pi.PaymentMethod;
            if (pi.PaymentMethod is null)
            {
                return ApiAnswer.InvalidRequest("You must provide a payment_method to confirm this PaymentIntent.", "payment_intent_unexpected_state", "payment_method");
            }

            if (SucceedingMethods.Contains(pi.PaymentMethod))
            {
                pi.Status = "succeeded";
                pi.LastPaymentError = null;
                pi.SucceededCharges++;
                WebhookSender.Publish(state, "payment_intent.succeeded", pi);
                return ApiAnswer.Ok(StripeJson.PaymentIntent(pi));
            }

            if (DecliningMethods.TryGetValue(pi.PaymentMethod, out var decline))
            {
                pi.Status = "requires_payment_method";
                pi.LastPaymentError = decline;
                WebhookSender.Publish(state, "payment_intent.payment_failed", pi);
                return new(402, StripeJson.Error("card_error", decline.Message, decline.Code, "payment_method", decline.DeclineCode, StripeJson.PaymentIntent(pi)));
            }

            if (pi.PaymentMethod == "pm_card_authenticationRequired")
            {
                pi.Status = "requires_action";
                pi.NextActionUrl = $"{baseUrl.TrimEnd('/')}/_emulator/authenticate/{pi.Id}";
                return ApiAnswer.Ok(StripeJson.PaymentIntent(pi));
            }

            var unknown = pi.PaymentMethod;
            pi.PaymentMethod = null;
            return ApiAnswer.InvalidRequest($"No such PaymentMethod: '{unknown}'", "resource_missing", "payment_method");
        }
    }

    public static ApiAnswer Cancel(EmulatorState state, EmulatedPaymentIntent pi)
    {
        lock (pi)
        {
            if (pi.Status == "succeeded")
            {
                return new(400, StripeJson.Error(
                    "invalid_request_error",
                    "You cannot cancel this PaymentIntent because it has a status of succeeded.",
                    "payment_intent_unexpected_state"));
            }

            pi.Status = "canceled";
            WebhookSender.Publish(state, "payment_intent.canceled", pi);
            return ApiAnswer.Ok(StripeJson.PaymentIntent(pi));
        }
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
}
