using System.Text.Json;
using System.Text.RegularExpressions;

namespace PaymentIntake.Intake;

/// <summary>
/// Validates a raw <c>POST /api/payments</c> body field by field, so that a client learns of every problem at once.
/// Reads the JSON by hand (not by model binding) to tell "12.5", "12" and -1 apart in its messages.
/// </summary>
public static partial class PaymentValidator
{
    /// <summary>Largest amount the vendor accepts, in minor units ($999,999.99).</summary>
    public const long MaxAmount = 99_999_999;

    /// <summary>Longest accepted idempotency key (Stripe's limit).</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>
    /// Checks the <c>Idempotency-Key</c> header; returns an error message or null. Not screened for card numbers: the
    /// key is never stored, logged or sent (only its HMAC is), and screening it would refuse one UUID in a few
    /// thousand whose last groups happen to be digits.
    /// </summary>
    public static string? ValidateIdempotencyKey(string? key) => key switch
    {
        null or "" => "The Idempotency-Key header is required: send a unique value (for example a UUID) per payment, and the same value when you retry it.",
        { Length: > MaxIdempotencyKeyLength } => $"The Idempotency-Key header must be at most {MaxIdempotencyKeyLength} characters.",
        _ when !PrintableAscii().IsMatch(key) => "The Idempotency-Key header must be printable ASCII without spaces.",
        _ => null,
    };

    /// <summary>Parses and validates a body; exactly one of the results is non-null.</summary>
    public static (PaymentRequest? Request, IReadOnlyDictionary<string, string[]>? Errors) Validate(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            return (null, new Dictionary<string, string[]> { ["body"] = [$"The body is not valid JSON: {ex.Message}"] });
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, new Dictionary<string, string[]> { ["body"] = ["The body must be a JSON object."] });
            }

            var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            void Add(string field, string message)
            {
                if (!errors.TryGetValue(field, out var list))
                {
                    errors[field] = list = [];
                }

                list.Add(message);
            }

            var root = document.RootElement;
            var memberId = RequiredString(root, "memberId", Add);
            if (memberId is not null && TextScreening.Problem("memberId", memberId) is { } memberProblem)
            {
                Add("memberId", memberProblem);
            }
            else if (memberId is not null && !MemberIdPattern().IsMatch(memberId))
            {
                Add("memberId", "memberId must be 1 to 64 letters, digits, '-' or '_'.");
            }

            var amount = Amount(root, Add);

            var currency = RequiredString(root, "currency", Add)?.ToLowerInvariant();
            if (currency is not null && !Currencies.IsKnown(currency))
            {
                Add("currency", $"currency \"{currency}\" is not a known ISO 4217 currency code (for example \"usd\").");
            }
            else if (currency is not null && amount is { } minor && Currencies.Exponent(currency) == 3 && minor % 10 != 0)
            {
                // Stripe: amounts in three-decimal currencies must end in 0 (docs: currencies, "three-decimal currencies").
                Add("amount", $"amount in {currency} (three decimals) must be a multiple of 10 minor units, not {minor}.");
            }
            else if (currency is not null && amount is { } charged && StripeMinimums.Problem(charged, currency) is { } tooSmall)
            {
                Add("amount", tooSmall);
            }

            var paymentMethodId = OptionalString(root, "paymentMethodId", Add);
            var confirmationTokenId = OptionalString(root, "confirmationTokenId", Add);
            if (paymentMethodId is null && confirmationTokenId is null && !errors.ContainsKey("paymentMethodId") && !errors.ContainsKey("confirmationTokenId"))
            {
                Add("paymentMethodId", "paymentMethodId or confirmationTokenId is required: the Stripe PaymentMethod (\"pm_…\") or ConfirmationToken (\"ctoken_…\") the front end created.");
            }
            else if (paymentMethodId is not null && confirmationTokenId is not null)
            {
                Add("confirmationTokenId", "Send either paymentMethodId or confirmationTokenId, not both.");
            }

            if (confirmationTokenId is not null && TextScreening.ContainsCardNumber(confirmationTokenId))
            {
                Add("confirmationTokenId", "confirmationTokenId looks like it contains a card number; send the ConfirmationToken id Stripe.js created (\"ctoken_…\"), never card numbers. The value was not stored.");
            }
            else if (confirmationTokenId is not null && !ConfirmationTokenPattern().IsMatch(confirmationTokenId))
            {
                Add("confirmationTokenId", "confirmationTokenId must be a Stripe ConfirmationToken id such as \"ctoken_1Abc\" (from stripe.createConfirmationToken).");
            }

            if (paymentMethodId is not null && TextScreening.ContainsCardNumber(paymentMethodId))
            {
                Add("paymentMethodId", "paymentMethodId looks like it contains a card number; send a Stripe PaymentMethod id such as \"pm_card_visa\", never card numbers. The value was not stored.");
            }
            else if (paymentMethodId is not null && !PaymentMethodPattern().IsMatch(paymentMethodId))
            {
                Add("paymentMethodId", "paymentMethodId must be a Stripe PaymentMethod id such as \"pm_card_visa\"; never send card numbers.");
            }

            var invoiceId = OptionalString(root, "invoiceId", Add);
            if (TextScreening.Problem("invoiceId", invoiceId) is { } invoiceProblem)
            {
                Add("invoiceId", invoiceProblem);
            }
            else if (invoiceId is not null && confirmationTokenId is not null)
            {
                // An invoice is paid with a PaymentMethod attached to its customer (POST /v1/invoices/{id}/pay takes
                // payment_method, not confirmation_token).
                Add("invoiceId", "An invoice is paid with a paymentMethodId, not a confirmationTokenId.");
            }
            else if (invoiceId is not null && !InvoicePattern().IsMatch(invoiceId))
            {
                Add("invoiceId", "invoiceId must be a Stripe invoice id such as \"in_1Abc\".");
            }

            var description = OptionalString(root, "description", Add);
            if (TextScreening.Problem("description", description) is { } descriptionProblem)
            {
                Add("description", descriptionProblem);
            }
            else if (description is { Length: > 500 })
            {
                Add("description", "description must be at most 500 characters.");
            }

            if (errors.Count > 0)
            {
                return (null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
            }

            return (new PaymentRequest(memberId!, amount!.Value, currency!, paymentMethodId ?? "", invoiceId, description, confirmationTokenId), null);
        }
    }

    private static long? Amount(JsonElement root, Action<string, string> add)
    {
        if (!root.TryGetProperty("amount", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            add("amount", "amount is required: an integer in minor units (45600 = $456.00).");
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var amount))
        {
            add("amount", $"amount must be a positive integer in minor units (45600 = $456.00), not {element.GetRawText()}.");
            return null;
        }

        if (amount < 1 || amount > MaxAmount)
        {
            add("amount", $"amount must be between 1 and {MaxAmount} minor units, not {amount}.");
            return null;
        }

        return amount;
    }

    private static string? RequiredString(JsonElement root, string name, Action<string, string> add)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            add(name, $"{name} is required.");
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            add(name, $"{name} must be a string.");
            return null;
        }

        var value = Text(element, name, add);
        if (value is { Length: 0 })
        {
            add(name, $"{name} is required.");
            return null;
        }

        return value;
    }

    private static string? OptionalString(JsonElement root, string name, Action<string, string> add)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            add(name, $"{name} must be a string.");
            return null;
        }

        var value = Text(element, name, add);
        return value is { Length: 0 } ? null : value;
    }

    /// <summary>The string's value, trimmed; null (with a reason) when it is not valid Unicode, e.g. a lone surrogate "\ud83d".</summary>
    private static string? Text(JsonElement element, string name, Action<string, string> add)
    {
        try
        {
            return element.GetString()!.Trim();
        }
        catch (InvalidOperationException)
        {
            add(name, $"{name} is not valid Unicode text (an unpaired surrogate escape such as \\ud83d).");
            return null;
        }
    }

    /// <summary>True for a well-formed member id: 1 to 64 letters, digits, <c>-</c> or <c>_</c> (cards, checks and lookups alike).</summary>
    public static bool IsMemberId(string? value) => value is not null && MemberIdPattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex MemberIdPattern();

    [GeneratedRegex("^pm_[A-Za-z0-9_]{1,250}$")]
    private static partial Regex PaymentMethodPattern();

    [GeneratedRegex("^ctoken_[A-Za-z0-9_]{1,250}$")]
    private static partial Regex ConfirmationTokenPattern();

    [GeneratedRegex("^in_[A-Za-z0-9_]{1,250}$")]
    private static partial Regex InvoicePattern();

    [GeneratedRegex("^[\\x21-\\x7E]+$")]
    private static partial Regex PrintableAscii();
}
