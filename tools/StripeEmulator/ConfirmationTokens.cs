using System.Text.Json.Nodes;

namespace StripeEmulator;

/// <summary>A ConfirmationToken: what Stripe.js collected, for the server to confirm one PaymentIntent with.</summary>
public sealed class EmulatedConfirmationToken
{
    /// <summary><c>ctoken_…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The test card it carries (a shortcut such as <c>pm_card_visa</c>).</summary>
    public required string Behaviour { get; init; }

    /// <summary>Unix seconds.</summary>
    public required long Created { get; init; }

    /// <summary>When it can no longer confirm an intent.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The return URL the front end gave, if any.</summary>
    public string? ReturnUrl { get; init; }

    /// <summary>The intent it confirmed (null: not used yet).</summary>
    public string? PaymentIntent { get; set; }
}

/// <summary>
/// ConfirmationTokens (docs.stripe.com/api/confirmation_tokens): the front end creates one with Stripe.js
/// (<c>stripe.createConfirmationToken</c>), the server confirms a PaymentIntent with <c>confirmation_token</c>; values on
/// it are written onto the intent (its PaymentMethod, its return URL). In test mode a server creates one with
/// <c>POST /v1/test_helpers/confirmation_tokens</c> (<c>payment_method</c>: an existing PaymentMethod or a test shortcut). A token confirms one intent only, and expires: the API reference's
/// example has <c>expires_at</c> 43,200 s (12 hours) after <c>created</c>.
/// </summary>
internal static class ConfirmationTokens
{
    /// <summary>How long a token can confirm an intent.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary><c>POST /v1/test_helpers/confirmation_tokens</c>.</summary>
    public static ApiAnswer Create(EmulatorState state, IFormCollection form)
    {
        string behaviour;
        if (form["payment_method"].ToString() is { Length: > 0 } id)
        {
            if (PaymentMethods.IsShortcut(id))
            {
                behaviour = id;
            }
            else if (state.PaymentMethods.TryGetValue(id, out var method) && method.UsedBy is null && !method.Consumed)
            {
                behaviour = method.Behaviour;
            }
            else
            {
                return ApiAnswer.InvalidRequest($"No such PaymentMethod: '{id}'", "resource_missing", "payment_method");
            }
        }
        else
        {
            // payment_method_data takes no card details (Stripe.net's test-helper options have none): a card comes as a
            // PaymentMethod, e.g. the shortcut pm_card_visa.
            return ApiAnswer.InvalidRequest("A card ConfirmationToken needs payment_method: an existing PaymentMethod or a test one such as pm_card_visa.", "parameter_missing", "payment_method");
        }

        var now = state.Time.GetUtcNow();
        var ct = new EmulatedConfirmationToken
        {
            Id = "ctoken_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)),
            Behaviour = behaviour,
            Created = now.ToUnixTimeSeconds(),
            ExpiresAt = now + Lifetime,
            ReturnUrl = form["return_url"].ToString() is { Length: > 0 } url ? url : null,
        };
        state.ConfirmationTokens[ct.Id] = ct;
        return ApiAnswer.Ok(Json(ct));
    }

    /// <summary>
    /// The PaymentMethod a confirm with <paramref name="id"/> uses (a fresh one made from the token, used by the intent),
    /// or Stripe's refusal: unknown, expired, or already used to confirm an intent.
    /// </summary>
    public static (EmulatedPaymentMethod? Method, EmulatedConfirmationToken? Token, ApiAnswer? Error) Use(EmulatorState state, string id, string intentId)
    {
        if (!state.ConfirmationTokens.TryGetValue(id, out var ct))
        {
            return (null, null, ApiAnswer.InvalidRequest($"No such confirmation_token: '{id}'", "resource_missing", "confirmation_token"));
        }

        lock (ct)
        {
            if (state.Time.GetUtcNow() >= ct.ExpiresAt)
            {
                return (null, ct, ApiAnswer.InvalidRequest($"The ConfirmationToken {id} has expired; create a new one.", code: null, param: "confirmation_token"));
            }

            if (ct.PaymentIntent is not null)
            {
                return (null, ct, ApiAnswer.InvalidRequest($"The ConfirmationToken {id} has already been used to confirm a PaymentIntent ({ct.PaymentIntent}); create a new one.", code: null, param: "confirmation_token"));
            }

            ct.PaymentIntent = intentId;
        }

        var method = state.CreatePaymentMethod(ct.Behaviour);
        method.UsedBy = intentId;
        return (method, ct, null);
    }

    public static JsonObject Json(EmulatedConfirmationToken ct) => new()
    {
        ["id"] = ct.Id,
        ["object"] = "confirmation_token",
        ["created"] = ct.Created,
        ["expires_at"] = ct.ExpiresAt.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["payment_intent"] = ct.PaymentIntent,
        ["payment_method_preview"] = new JsonObject { ["type"] = "card" },
        ["return_url"] = ct.ReturnUrl,
        ["setup_future_usage"] = null,
        ["setup_intent"] = null,
        ["use_stripe_sdk"] = true,
    };
}
