namespace PaymentIntake.Intake;

/// <summary>ISO 4217 currency codes that the vendor accepts, with their minor-unit exponents.</summary>
internal static class Currencies
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bhd", "bif",
        "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop", "crc", "cve",
        "czk", "djf", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq",
        "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf",
        "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk", "mnt", "mop",
        "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen", "pgk",
        "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle",
        "sos", "srd", "std", "szl", "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu",
        "uzs", "vnd", "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
    };

    // ISO 4217 "minor unit" column (https://www.six-group.com/en/products-services/financial-information/data-standards.html,
    // list one); every other known code has 2. Stripe follows it for these (docs: currencies, "zero-decimal" and
    // "three-decimal" currencies), except that it requires three-decimal amounts to end in 0.
    private static readonly HashSet<string> ZeroDecimals = new(StringComparer.Ordinal)
    {
        "bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    };

    private static readonly HashSet<string> ThreeDecimals = new(StringComparer.Ordinal) { "bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd" };

    public static bool IsKnown(string code) => Known.Contains(code);

    /// <summary>Digits after the decimal point of <paramref name="code"/>: 0, 2 or 3.</summary>
    public static int Exponent(string code) => ZeroDecimals.Contains(code) ? 0 : ThreeDecimals.Contains(code) ? 3 : 2;
}
