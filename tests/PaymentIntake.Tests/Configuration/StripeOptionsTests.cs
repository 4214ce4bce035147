using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using PaymentIntake.Configuration;

namespace PaymentIntake.Tests;

public sealed class StripeOptionsTests
{
    private static (StripeOptions Options, List<ValidationResult> Errors) Bind(string? returnUrl)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stripe:ApiKey"] = "sk_test_x",
            ["Stripe:ReturnUrl"] = returnUrl,
        }).Build();
        var options = configuration.GetSection(StripeOptions.Section).Get<StripeOptions>()!;
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        return (options, errors);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void ReturnUrl_NotSet_IsValidAndNull(string? value)
    {
        var (options, errors) = Bind(value);

        Assert.Empty(errors);
        Assert.Null(options.ReturnUrl);
    }

    [Fact]
    public void ReturnUrl_AbsoluteHttps_IsValid() =>
        Assert.Empty(Bind("https://pay.example.org/payments/return").Errors);

    [Theory]
    [InlineData("/payments/return")]
    [InlineData("ftp://pay.example.org/return")]
    public void ReturnUrl_RelativeOrNotHttp_IsRefusedNamingTheSetting(string value) =>
        Assert.Contains("ReturnUrl must be an absolute http(s) URL", Assert.Single(Bind(value).Errors).ErrorMessage, StringComparison.Ordinal);

    [Theory]
    [InlineData("sk_live_x", "http://127.0.0.1:12111", false)]
    [InlineData("sk_live_x", "https://api.stripe.com", true)]
    [InlineData("sk_test_x", "http://127.0.0.1:12111", true)]
    public void LiveKey_OnlyOverHttps(string key, string apiBase, bool valid)
    {
        var options = new StripeOptions { ApiKey = key, ApiBase = new Uri(apiBase) };
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        Assert.Equal(valid, errors.Count == 0);
    }

    [Theory]
    [InlineData("whsec_abc", true)]
    [InlineData("", false)]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/stripe-webhook-secret)", false)]
    public void WebhookSecret_UnresolvedKeyVaultReference_IsNoSecret(string secret, bool has) =>
        Assert.Equal(has, new StripeOptions { WebhookSecret = secret }.HasWebhookSecret);
}
