using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;

namespace PaymentIntake.Tests.Configuration;

/// <summary>A Key Vault reference App Service could not resolve arrives as its literal text: refused at start, naming the setting.</summary>
public sealed class KeyVaultReferenceTests
{
    private const string Reference = "@Microsoft.KeyVault(SecretUri=https://pf-kv.vault.azure.net/secrets/payment-id-secret)";

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Stripe:ApiKey"] = "sk_test_x",
            ["PaymentIntake:IdSecret"] = "a-payment-id-secret-of-at-least-32-characters",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return new ServiceCollection().AddLogging().AddPaymentIntake(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).BuildServiceProvider();
    }

    [Fact]
    public void IdSecret_UnresolvedReference_IsRefusedNamingTheSetting()
    {
        using var services = Services(new() { ["PaymentIntake:IdSecret"] = Reference });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PaymentIntakeOptions>>().Value);

        Assert.Contains("PaymentIntake:IdSecret holds an unresolved Key Vault reference", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StripeApiKey_UnresolvedReference_IsRefusedNamingTheSetting()
    {
        using var services = Services(new() { ["Stripe:ApiKey"] = Reference.Replace("payment-id-secret", "stripe-api-key", StringComparison.Ordinal) });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StripeOptions>>().Value);

        Assert.Contains("Stripe:ApiKey holds an unresolved Key Vault reference", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolvedSecrets_AreAccepted()
    {
        using var services = Services([]);

        Assert.Equal("sk_test_x", services.GetRequiredService<IOptions<StripeOptions>>().Value.ApiKey);
        Assert.StartsWith("a-payment", services.GetRequiredService<IOptions<PaymentIntakeOptions>>().Value.IdSecret, StringComparison.Ordinal);
    }
}
