using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>How to reach the billing vendor, section <c>Stripe</c>.</summary>
public sealed class StripeOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stripe";

    /// <summary>Secret API key (<c>sk_test_…</c> or <c>sk_live_…</c>). Required; the local host fills in the emulator's.</summary>
    [Required(ErrorMessage = "Stripe:ApiKey is required (sk_test_… or sk_live_…).")]
    [RegularExpression("^(sk|rk)_(test|live)_.+$", ErrorMessage = "Stripe:ApiKey must look like sk_test_… or sk_live_….")]
    [NotAKeyVaultReference("Stripe:ApiKey")]
    public string ApiKey { get; set; } = "";

    /// <summary>API base URL. Default Stripe's own (https://api.stripe.com); the local host points it at the emulator.</summary>
    public Uri? ApiBase { get; set; }

    /// <summary>Timeout of one request to the vendor. Default 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a transient failure within one posting attempt (Polly). Default 3. Stripe.net's own retries are off.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles each retry, with jitter. Default 500 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Where Stripe sends a member back after 3-D Secure (sent as <c>return_url</c> on confirm). Optional; when set it
    /// must be an absolute http(s) URL, and <c>action_required</c> payments then carry a <c>nextActionUrl</c> the member
    /// can open. Without it Stripe answers 3-D Secure with <c>use_stripe_sdk</c>, which only Stripe.js can complete.
    /// </summary>
    [AbsoluteHttpUrl]
    public Uri? ReturnUrl { get; set; }

    /// <summary>
    /// Signing secret of the webhook endpoint (<c>whsec_…</c>). Empty, or a Key Vault reference App Service could not
    /// resolve (the secret is not set yet: the setting then holds the literal <c>@Microsoft.KeyVault(…)</c>):
    /// <c>POST /api/webhooks/stripe</c> answers 503.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Largest webhook body, in bytes, enforced while reading (413 beyond). Default 64 KiB (Stripe's events are a few KiB).</summary>
    [Range(4096, 1024 * 1024)]
    public int MaxWebhookBytes { get; set; } = 64 * 1024;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsLiveKey && ApiBase is { } apiBase && apiBase.Scheme != Uri.UriSchemeHttps)
        {
            yield return new ValidationResult("Stripe:ApiBase must be https with a live key: a live key is never sent in clear text.", [nameof(ApiBase)]);
        }
    }

    /// <summary>True for a live-mode key (<c>sk_live_…</c>, <c>rk_live_…</c>); a test key is a sandbox's.</summary>
    public bool IsLiveKey => IsLive(ApiKey);

    /// <summary>True for a live-mode key (<c>sk_live_…</c>, <c>rk_live_…</c>); a test key is a sandbox's.</summary>
    public static bool IsLive(string apiKey) =>
        apiKey is not null && (apiKey.StartsWith("sk_live_", StringComparison.Ordinal) || apiKey.StartsWith("rk_live_", StringComparison.Ordinal));

    /// <summary>True when <see cref="WebhookSecret"/> holds a secret rather than nothing or an unresolved Key Vault reference.</summary>
    public bool HasWebhookSecret => !string.IsNullOrEmpty(WebhookSecret) && !NotAKeyVaultReferenceAttribute.IsUnresolved(WebhookSecret);
}

/// <summary>Validates that a URI, when given, is absolute and uses http or https.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AbsoluteHttpUrlAttribute : ValidationAttribute
{
    /// <summary>Creates the attribute.</summary>
    public AbsoluteHttpUrlAttribute() : base("{0} must be an absolute http(s) URL, e.g. https://pay.example.org/payments/return.") { }

    /// <inheritdoc />
    public override bool IsValid(object? value) => value is null || (value is Uri { IsAbsoluteUri: true } uri && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp));
}
