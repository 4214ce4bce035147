using System.Globalization;
using Stripe;

namespace StripeContract;

/// <summary>One step of a sequence as the targets answered it, beside what Stripe's documentation says it answers.</summary>
/// <param name="Sequence">The sequence (what the poster or the invoice payer does).</param>
/// <param name="Step">The request.</param>
/// <param name="Expected">Stripe's documented answer: status, or HTTP status and error code, and the next action.</param>
/// <param name="Answers">Each target's answer, by target name.</param>
public sealed record ContractRow(string Sequence, string Step, string Expected, IReadOnlyDictionary<string, string> Answers);

/// <summary>
/// The sequences the poster and the invoice payer make — Stripe.net calls spelled out step by step, then the poster's
/// own code (<see cref="PosterUnderTest"/>) end to end — run against each target (the emulator, and Stripe's test mode
/// for anyone holding a test key), so the emulator's claims about Stripe can be checked against Stripe itself.
/// </summary>
public static class ContractCheck
{
    private const string ReturnUrl = "https://pay.example.org/payments/return";

    private delegate Task<string> Run(ContractTarget target, Dictionary<string, string> scratch, CancellationToken cancellationToken);

    private sealed record Step(string Name, string Expected, Run Run);

    private static readonly (string Name, Step[] Steps)[] Sequences =
    [
        ("card succeeds", [
            new("create (allowed types: card)", "requires_confirmation", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct)),
            new("confirm with return_url", "succeeded", (t, s, ct) => ConfirmAsync(t, s, ReturnUrl, key: null, ct)),
        ]),
        ("card declined", [
            new("create", "requires_confirmation", (t, s, ct) => CreateAsync(t, s, "pm_card_chargeDeclined", ct)),
            new("confirm", "402 card_declined", (t, s, ct) => ConfirmAsync(t, s, ReturnUrl, key: null, ct)),
        ]),
        ("3-D Secure required", [
            new("create", "requires_confirmation", (t, s, ct) => CreateAsync(t, s, "pm_card_authenticationRequired", ct)),
            new("confirm with return_url", "requires_action redirect_to_url", (t, s, ct) => ConfirmAsync(t, s, ReturnUrl, key: null, ct)),
        ]),
        ("create retried with its key", [
            new("create, key K", "requires_confirmation", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct, key: "K")),
            new("create again, key K", "requires_confirmation replayed, same intent", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct, key: "K", again: true)),
            new("create, key K, other amount", "400 idempotency_error", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct, key: "K", amount: 2000)),
        ]),
        ("confirm retried", [
            new("create", "requires_confirmation", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct)),
            new("confirm, key K1", "succeeded", (t, s, ct) => ConfirmAsync(t, s, ReturnUrl, "K1", ct)),
            new("confirm again, key K1", "succeeded replayed", (t, s, ct) => ConfirmAsync(t, s, ReturnUrl, "K1", ct)),
            new("confirm, new key K2", "400 payment_intent_unexpected_state", (t, s, ct) => ConfirmAsync(t, s, ReturnUrl, "K2", ct)),
        ]),
        ("the old request shape", [
            new("create without payment method types", "requires_confirmation", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct, allowedTypes: false)),
            new("confirm without return_url", "400 invalid_request_error (return_url)", (t, s, ct) => ConfirmAsync(t, s, returnUrl: null, key: null, ct)),
        ]),
        ("strict parameters", [
            new("create with payment_method_types", "400 payment_method_types_no_longer_supported (payment_method_types)", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct, extra: ("payment_method_types[0]", "card"))),
            new("create with an unknown parameter", "400 parameter_unknown (colour)", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct, extra: ("colour", "red"))),
        ]),
        ("cancel before giving up", [
            new("create", "requires_confirmation", (t, s, ct) => CreateAsync(t, s, "pm_card_visa", ct)),
            new("cancel, reason abandoned", "canceled", (t, s, ct) => Answer(async () => Describe(await Intents(t).CancelAsync(s["intent"], new PaymentIntentCancelOptions { CancellationReason = "abandoned" }, cancellationToken: ct).ConfigureAwait(false)))),
            new("confirm the canceled intent", "400 payment_intent_unexpected_state", (t, s, ct) => ConfirmAsync(t, s, ReturnUrl, key: null, ct)),
        ]),
        ("an unattached PaymentMethod used twice", [
            new("create PaymentMethod from tok_visa", "payment_method", (t, s, ct) => Answer(async () =>
            {
                var pm = await new PaymentMethodService(t.Client).CreateAsync(new PaymentMethodCreateOptions { Type = "card", Card = new PaymentMethodCardOptions { Token = "tok_visa" } }, cancellationToken: ct).ConfigureAwait(false);
                s["pm"] = pm.Id;
                return pm.Object;
            })),
            new("first intent with it", "requires_confirmation", (t, s, ct) => CreateAsync(t, s, s["pm"], ct)),
            new("second intent with it", "400 invalid_request_error (payment_method)", (t, s, ct) => CreateAsync(t, s, s["pm"], ct)),
        ]),
        ("invoice paid by card", [
            new("attach pm_card_visa to the invoice's customer", "payment_method", (t, s, ct) => Answer(async () =>
            {
                s["invoice"] = await t.OpenInvoiceAsync(45600, ct).ConfigureAwait(false);
                var invoice = await new InvoiceService(t.Client).GetAsync(s["invoice"], cancellationToken: ct).ConfigureAwait(false);
                var pm = await new PaymentMethodService(t.Client).AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = invoice.CustomerId }, cancellationToken: ct).ConfigureAwait(false);
                s["pm"] = pm.Id;
                return pm.Object;
            })),
            new("pay the invoice with it", "paid", (t, s, ct) => Answer(async () =>
                (await new InvoiceService(t.Client).PayAsync(s["invoice"], new InvoicePayOptions { PaymentMethod = s["pm"] }, cancellationToken: ct).ConfigureAwait(false)).Status)),
        ]),
        ("invoice paid out of band", [
            new("pay an open invoice out of band", "paid", (t, s, ct) => Answer(async () =>
            {
                s["invoice"] = await t.OpenInvoiceAsync(45600, ct).ConfigureAwait(false);
                return (await new InvoiceService(t.Client).PayAsync(s["invoice"], new InvoicePayOptions { PaidOutOfBand = true }, cancellationToken: ct).ConfigureAwait(false)).Status;
            })),
            new("pay it again", "400 invoice_already_paid", (t, s, ct) => Answer(async () =>
                (await new InvoiceService(t.Client).PayAsync(s["invoice"], new InvoicePayOptions { PaidOutOfBand = true }, cancellationToken: ct).ConfigureAwait(false)).Status)),
        ]),
        // The poster's own code (StripeVendor, InvoicePayer) end to end, so what is checked is what the app sends.
        ("the poster's card payments", [
            new("a card that succeeds", "posted", (t, s, ct) => PostAsync(t, PosterUnderTest.Payment(s["run"] + "a", "pm_card_visa"), ct)),
            new("a declined card", "declined generic_decline", (t, s, ct) => PostAsync(t, PosterUnderTest.Payment(s["run"] + "b", "pm_card_chargeDeclined"), ct)),
            new("a decline that asks to try again", "declined processing_error (retryable)", (t, s, ct) => PostAsync(t, PosterUnderTest.Payment(s["run"] + "c", "pm_card_chargeDeclinedProcessingError"), ct)),
            new("a card needing 3-D Secure", "action_required with a URL", (t, s, ct) => PostAsync(t, PosterUnderTest.Payment(s["run"] + "d", "pm_card_authenticationRequired"), ct)),
            new("a ConfirmationToken", "posted", (t, s, ct) => Answer(async () =>
            {
                var token = await new Stripe.TestHelpers.ConfirmationTokenService(t.Client).CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethod = "pm_card_visa" }, cancellationToken: ct).ConfigureAwait(false);
                return await PostAsync(t, PosterUnderTest.Payment(s["run"] + "e", confirmationToken: token.Id), ct).ConfigureAwait(false);
            })),
        ]),
        ("the poster's invoice payments", [
            new("a card pays an invoice", "posted", (t, s, ct) => Answer(async () =>
                await PayInvoiceAsync(t, PosterUnderTest.Payment(s["run"] + "f", "pm_card_visa", invoiceId: await t.OpenInvoiceAsync(45600, ct).ConfigureAwait(false)), ct).ConfigureAwait(false))),
            new("a card needing 3-D Secure pays an invoice", "action_required with a URL", (t, s, ct) => Answer(async () =>
                await PayInvoiceAsync(t, PosterUnderTest.Payment(s["run"] + "g", "pm_card_authenticationRequired", invoiceId: await t.OpenInvoiceAsync(45600, ct).ConfigureAwait(false)), ct).ConfigureAwait(false))),
            new("a check settles an invoice", "posted", (t, s, ct) => Answer(async () =>
                await PayInvoiceAsync(t, PosterUnderTest.Payment(s["run"] + "h", invoiceId: await t.OpenInvoiceAsync(45600, ct).ConfigureAwait(false), kind: PaymentIntake.Payments.PaymentKinds.Check), ct).ConfigureAwait(false))),
        ]),
    ];

    private static async Task<string> PostAsync(ContractTarget target, PaymentIntake.Payments.Payment payment, CancellationToken cancellationToken) =>
        PosterUnderTest.Describe(await PosterUnderTest.For(target).Cards.PostAsync(payment, () => Task.CompletedTask, cancellationToken).ConfigureAwait(false));

    private static async Task<string> PayInvoiceAsync(ContractTarget target, PaymentIntake.Payments.Payment payment, CancellationToken cancellationToken) =>
        PosterUnderTest.Describe(await PosterUnderTest.For(target).Invoices.PostAsync(payment, () => Task.CompletedTask, cancellationToken).ConfigureAwait(false));

    /// <summary>Runs every sequence against every target, one after the other.</summary>
    public static async Task<IReadOnlyList<ContractRow>> RunAsync(IReadOnlyList<ContractTarget> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var answers = new Dictionary<(string, string), Dictionary<string, string>>();
        foreach (var target in targets)
        {
            foreach (var (sequence, steps) in Sequences)
            {
                var scratch = new Dictionary<string, string>(StringComparer.Ordinal) { ["run"] = Guid.NewGuid().ToString("N")[..12] };
                foreach (var step in steps)
                {
                    string answer;
                    try
                    {
                        answer = await step.Run(target, scratch, cancellationToken).ConfigureAwait(false);
                    }
                    catch (KeyNotFoundException)
                    {
                        answer = "(skipped: an earlier step failed)";
                    }

                    var key = (sequence, step.Name);
                    if (!answers.TryGetValue(key, out var byTarget))
                    {
                        answers[key] = byTarget = new Dictionary<string, string>(StringComparer.Ordinal);
                    }

                    byTarget[target.Name] = answer;
                }
            }
        }

        return Sequences.SelectMany(s => s.Steps.Select(step => new ContractRow(s.Name, step.Name, step.Expected, answers[(s.Name, step.Name)]))).ToList();
    }

    /// <summary>
    /// Prints the answers side by side (each target beside Stripe's documented answer) and returns how many differ:
    /// a target that answers otherwise than documented, or two targets that answer differently.
    /// </summary>
    public static int Print(IReadOnlyList<ContractRow> rows, IReadOnlyList<string> targets, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(output);
        var differences = 0;
        var header = new[] { "", "sequence", "step", "documented" }.Concat(targets).ToArray();
        var lines = new List<string[]> { header };
        foreach (var row in rows)
        {
            var differs = targets.Any(t => row.Answers.GetValueOrDefault(t) != row.Expected);
            differences += differs ? 1 : 0;
            lines.Add(new[] { differs ? "✗" : "✓", row.Sequence, row.Step, row.Expected }.Concat(targets.Select(t => row.Answers.GetValueOrDefault(t) ?? "–")).ToArray());
        }

        var widths = Enumerable.Range(0, header.Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
        foreach (var line in lines)
        {
            output.WriteLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }

        output.WriteLine(differences == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{rows.Count} steps, every answer as documented.")
            : string.Create(CultureInfo.InvariantCulture, $"{differences} of {rows.Count} steps differ (✗)."));
        return differences;
    }

    private static PaymentIntentService Intents(ContractTarget target) => new(target.Client);

    private static async Task<string> CreateAsync(
        ContractTarget target,
        Dictionary<string, string> scratch,
        string paymentMethod,
        CancellationToken cancellationToken,
        string? key = null,
        long amount = 1000,
        bool again = false,
        bool allowedTypes = true,
        (string Name, string Value)? extra = null) => await Answer(async () =>
    {
        var options = new PaymentIntentCreateOptions
        {
            Amount = amount,
            Currency = "usd",
            PaymentMethod = paymentMethod,
            AllowedPaymentMethodTypes = allowedTypes ? ["card"] : null,
            Metadata = new Dictionary<string, string> { ["payment_id"] = "contract_" + scratch["run"] },
        };
        if (extra is { } parameter)
        {
            options.AddExtraParam(parameter.Name, parameter.Value);
        }

        var intent = await Intents(target).CreateAsync(options, key is null ? null : new RequestOptions { IdempotencyKey = scratch["run"] + "-" + key }, cancellationToken).ConfigureAwait(false);
        var replayed = Replayed(intent);
        if (again)
        {
            return Describe(intent) + (replayed ? " replayed" : "") + (intent.Id == scratch.GetValueOrDefault("intent") ? ", same intent" : ", another intent");
        }

        scratch["intent"] = intent.Id;
        return Describe(intent) + (replayed ? " replayed" : "");
    }).ConfigureAwait(false);

    private static Task<string> ConfirmAsync(ContractTarget target, Dictionary<string, string> scratch, string? returnUrl, string? key, CancellationToken cancellationToken) => Answer(async () =>
    {
        var intent = await Intents(target).ConfirmAsync(
            scratch["intent"],
            new PaymentIntentConfirmOptions { ReturnUrl = returnUrl },
            key is null ? null : new RequestOptions { IdempotencyKey = scratch["run"] + "-" + key },
            cancellationToken).ConfigureAwait(false);
        return Describe(intent) + (Replayed(intent) ? " replayed" : "");
    });

    private static bool Replayed(StripeEntity entity) =>
        entity.StripeResponse?.Headers is { } headers && headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true", StringComparer.OrdinalIgnoreCase);

    private static string Describe(PaymentIntent intent) =>
        intent.NextAction?.Type is { } next ? $"{intent.Status} {next}" : intent.Status;

    private static async Task<string> Answer(Func<Task<string>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StripeException ex)
        {
            var error = ex.StripeError;
            return string.Create(CultureInfo.InvariantCulture, $"{(int)ex.HttpStatusCode} {error?.Code ?? error?.Type ?? "error"}") + (error?.Param is { Length: > 0 } param ? $" ({param})" : "");
        }
    }
}
