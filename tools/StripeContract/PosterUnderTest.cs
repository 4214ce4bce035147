using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Posting.Vendor;

namespace StripeContract;

/// <summary>
/// The poster's own Stripe code — <see cref="StripeVendor"/> and <see cref="InvoicePayer"/> behind the app's
/// <see cref="VendorPipeline"/> and pacer (one instance, the sandbox's limits, no retries) — pointed at a target, so
/// the contract check sends exactly what the app sends.
/// </summary>
internal sealed class PosterUnderTest
{
    private const string ReturnUrl = "https://pay.example.org/payments/return";

    private PosterUnderTest(ContractTarget target)
    {
        var stripe = Options.Create(new StripeOptions { ApiKey = "sk_test_contract", MaxRetries = 0, ReturnUrl = new Uri(ReturnUrl) });
        var pacer = new VendorPacer(new WholeShare(), stripe, Options.Create(new PostingOptions()), TimeProvider.System);
        var pipeline = new VendorPipeline(stripe, pacer, TimeProvider.System, NullLogger<VendorPipeline>.Instance);
        Cards = new StripeVendor(target.Client, pipeline, stripe, TimeProvider.System);
        Invoices = new InvoicePayer(target.Client, pipeline);
    }

    public StripeVendor Cards { get; }

    public InvoicePayer Invoices { get; }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ContractTarget, PosterUnderTest> ByTarget = [];

    /// <summary>The target's one poster, so its pacer spans every step against that target, as one app instance's would.</summary>
    public static PosterUnderTest For(ContractTarget target) => ByTarget.GetValue(target, t => new PosterUnderTest(t));

    /// <summary>A payment as intake records it.</summary>
    public static Payment Payment(string run, string? paymentMethod = null, string? confirmationToken = null, string? invoiceId = null, string kind = PaymentKinds.Card) => new()
    {
        PaymentId = $"pay_contract_{run}",
        Kind = kind,
        MemberId = "M-contract",
        Amount = 45600,
        Currency = "usd",
        PaymentMethodId = paymentMethod ?? "",
        ConfirmationTokenId = confirmationToken,
        InvoiceId = invoiceId,
        CheckNumber = kind == PaymentKinds.Check ? "7001" : null,
        ReceivedDate = kind == PaymentKinds.Check ? DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null,
        AcceptedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>An outcome in a few words: what the contract compares.</summary>
    public static string Describe(PostingOutcome outcome) => outcome switch
    {
        PostingOutcome.Posted => "posted",
        PostingOutcome.Declined { Retryable: true } d => $"declined {d.Code} (retryable)",
        PostingOutcome.Declined d => $"declined {d.Code}",
        PostingOutcome.ActionRequired { NextActionUrl: null } => "action_required",
        PostingOutcome.ActionRequired => "action_required with a URL",
        PostingOutcome.Failed f => $"failed: {f.Reason}",
        PostingOutcome.RetryLater r => $"retry later: {r.Reason}",
        _ => outcome.GetType().Name,
    };

    /// <summary>One instance alone: the whole of the app's limits.</summary>
    private sealed class WholeShare : IRateShare
    {
        public Task<double> CurrentAsync(CancellationToken cancellationToken) => Task.FromResult(1.0);
    }
}
