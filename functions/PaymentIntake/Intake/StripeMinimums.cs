using System.Collections.Frozen;
using System.Globalization;

namespace PaymentIntake.Intake;

/// <summary>
/// Stripe's minimum charge amount per currency, in minor units (docs.stripe.com/currencies, "Minimum and maximum
/// charge amounts"): a card payment below it would be accepted here and then fail at Stripe (<c>amount_too_small</c>),
/// so intake refuses it up front. Currencies without a documented minimum are not checked here.
/// </summary>
public static class StripeMinimums
{
    private static readonly FrozenDictionary<string, long> Minimum = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["usd"] = 50, ["aed"] = 200, ["aud"] = 50, ["bgn"] = 100, ["brl"] = 50, ["cad"] = 50, ["chf"] = 50,
        ["czk"] = 1500, ["dkk"] = 250, ["eur"] = 50, ["gbp"] = 30, ["hkd"] = 400, ["huf"] = 17500, ["inr"] = 50,
        ["jpy"] = 50, ["mxn"] = 1000, ["myr"] = 200, ["nok"] = 300, ["nzd"] = 50, ["pln"] = 200, ["ron"] = 200,
        ["sek"] = 300, ["sgd"] = 50, ["thb"] = 1000,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The minimum for <paramref name="currency"/> (lower case), or null when Stripe documents none.</summary>
    public static long? For(string currency) => Minimum.TryGetValue(currency, out var minimum) ? minimum : null;

    /// <summary>Why <paramref name="amount"/> is too small in <paramref name="currency"/>, or null when it is not.</summary>
    public static string? Problem(long amount, string currency) =>
        For(currency) is { } minimum && amount < minimum
            ? string.Create(CultureInfo.InvariantCulture, $"amount must be at least {minimum} minor units ({Major(minimum, currency)} {currency.ToUpperInvariant()}), Stripe's minimum charge in {currency}, not {amount}.")
            : null;

    private static string Major(long minor, string currency)
    {
        var exponent = Currencies.Exponent(currency);
        return (minor / Math.Pow(10, exponent)).ToString("F" + exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
