using System.ComponentModel.DataAnnotations;

namespace PaymentIntake.Configuration;

/// <summary>Settings of intake and posting, section <c>PaymentIntake</c>.</summary>
public sealed class PaymentIntakeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "PaymentIntake";

    /// <summary>
    /// Prefix for every queue and table name. Default empty. Only for the local host and tests (isolation in one
    /// storage account); under Azure Functions the trigger names are fixed, so leave it empty there.
    /// </summary>
    [RegularExpression("^([a-z][a-z0-9]{0,19})?$", ErrorMessage = "NamePrefix must be empty or a lower-case letter followed by up to 19 lower-case letters or digits.")]
    public string NamePrefix { get; set; } = "";
}
