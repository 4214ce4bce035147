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
}
