using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>
/// Refuses a setting that still holds an App Service Key Vault reference (<c>@Microsoft.KeyVault(…)</c>): the
/// platform passes the reference's literal text when it cannot resolve it (the identity may not read the vault yet,
/// or the secret is missing). Taken as a value, such text would pass a length check — payment ids would then be
/// derived from a string visible in the portal and change once the reference resolves.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotAKeyVaultReferenceAttribute(string setting) : ValidationAttribute
{
    /// <summary>The prefix of an App Service Key Vault reference.</summary>
    public const string Prefix = "@Microsoft.KeyVault(";

    /// <summary>True when <paramref name="value"/> is a Key Vault reference the platform did not resolve.</summary>
    public static bool IsUnresolved(string? value) => value?.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true;

    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        IsUnresolved(value as string)
            ? new ValidationResult(
                $"{setting} holds an unresolved Key Vault reference ({Prefix}…): the app could not read the secret. Grant the app's identity 'Key Vault Secrets User' on the vault and check the secret exists; App Service fetches the reference again when a setting changes.",
                [validationContext?.MemberName ?? setting])
            : ValidationResult.Success;
}
