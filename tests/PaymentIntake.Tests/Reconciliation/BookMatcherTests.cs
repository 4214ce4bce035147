using PaymentIntake.Payments;
using PaymentIntake.Reconciliation.Books;

namespace PaymentIntake.Tests.Reconciliation;

/// <summary>The comparison of Stripe's books with ours, case by case.</summary>
public sealed class BookMatcherTests
{
    private static StripeIntentRecord Intent(string id, string? paymentId, string status = "succeeded", long amount = 45600, string currency = "usd", bool inWindow = true) =>
        new(id, paymentId, status, amount, currency, inWindow);

    private static StripeInvoiceRecord Invoice(string id, string? paymentId, string status = "paid", long paid = 45600, long overpaid = 0, bool inWindow = true) =>
        new(id, paymentId, status, paid, overpaid, "usd", inWindow);

    private static OurRecord Ours(string id, string status = PaymentStatus.Posted, string? reference = null, string? invoiceId = null, long amount = 45600, bool postedInWindow = true) =>
        new(id, status, amount, "usd", reference, invoiceId, postedInWindow && status == PaymentStatus.Posted);

    private static Dictionary<string, OurRecord> Books(params OurRecord[] records) => records.ToDictionary(r => r.PaymentId);

    private static BookComparison Compare(StripeIntentRecord[] intents, params OurRecord[] ours) => BookMatcher.Compare(intents, [], Books(ours));

    [Fact]
    public void Compare_SucceededIntentOfAPostedPayment_Matches()
    {
        var result = Compare([Intent("pi_1", "p1")], Ours("p1", reference: "pi_1"));

        Assert.Equal((1, 0), (result.Matched, result.Mismatches.Count));
    }

    [Theory]
    [InlineData(PaymentStatus.Failed)]
    [InlineData(PaymentStatus.Declined)]
    public void Compare_SucceededIntentOfAPaymentWeCallFinal_IsChargedNotPosted(string status)
    {
        var result = Compare([Intent("pi_1", "p1")], Ours("p1", status, reference: "pi_0"));

        var mismatch = Assert.Single(result.Mismatches);
        Assert.Equal((MismatchKinds.ChargedNotPosted, "p1", "pi_1", status), (mismatch.Kind, mismatch.PaymentId, mismatch.StripeObject, mismatch.OurStatus));
        Assert.Equal(0, result.Matched);
    }

    [Theory]
    [InlineData(PaymentStatus.Accepted)]
    [InlineData(PaymentStatus.Posting)]
    [InlineData(PaymentStatus.ActionRequired)]
    public void Compare_SucceededIntentOfAPaymentInFlight_IsPendingNotAMismatch(string status)
    {
        var result = Compare([Intent("pi_1", "p1")], Ours("p1", status));

        Assert.Empty(result.Mismatches);
        Assert.Equal([new PendingCharge("p1", "pi_1")], result.Pending);
    }

    [Fact]
    public void Compare_PostedPaymentWhoseIntentDidNotSucceed_IsPostedNotCharged()
    {
        var result = Compare([Intent("pi_1", "p1", status: "requires_payment_method")], Ours("p1", reference: "pi_1"));

        var mismatch = Assert.Single(result.Mismatches);
        Assert.Equal((MismatchKinds.PostedNotCharged, "requires_payment_method"), (mismatch.Kind, mismatch.StripeStatus));
    }

    [Fact]
    public void Compare_PostedPaymentWhoseIntentStripeDoesNotHave_IsPostedNotCharged()
    {
        var result = Compare([], Ours("p1", reference: "pi_gone"));

        Assert.Equal(MismatchKinds.PostedNotCharged, Assert.Single(result.Mismatches).Kind);
        Assert.Contains("pi_gone was not found", result.Mismatches[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_PaymentPostedOutsideTheWindowWithoutAnIntentInIt_IsNotJudged()
    {
        var result = Compare([], Ours("p1", reference: "pi_1", postedInWindow: false));

        Assert.Equal((0, 0), (result.Matched, result.Mismatches.Count));
    }

    [Fact]
    public void Compare_OtherAmountOrCurrency_IsAmountDiffers()
    {
        var result = Compare([Intent("pi_1", "p1", amount: 45500), Intent("pi_2", "p2", currency: "eur")], Ours("p1", reference: "pi_1"), Ours("p2", reference: "pi_2"));

        Assert.Equal([MismatchKinds.AmountDiffers, MismatchKinds.AmountDiffers], result.Mismatches.Select(m => m.Kind));
        Assert.Equal(0, result.Matched);
    }

    [Fact]
    public void Compare_TwoSucceededIntentsForOnePayment_IsChargedTwiceOnce()
    {
        var result = Compare([Intent("pi_1", "p1"), Intent("pi_2", "p1")], Ours("p1", reference: "pi_1"));

        var mismatch = Assert.Single(result.Mismatches);
        Assert.Equal((MismatchKinds.ChargedTwice, "p1"), (mismatch.Kind, mismatch.PaymentId));
        Assert.Contains("pi_1, pi_2", mismatch.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_ChargedUnderAnotherIntentThanOursNames_IsReferenceDiffers()
    {
        var result = Compare([Intent("pi_2", "p1"), Intent("pi_1", "p1", status: "canceled")], Ours("p1", reference: "pi_1"));

        Assert.Equal(MismatchKinds.ReferenceDiffers, Assert.Single(result.Mismatches).Kind);
    }

    [Fact]
    public void Compare_IntentsThatTookMoneyForNobodyOfOurs_AreUnknown_InTheWindowOnly_AndNotAnInvoicesOwn()
    {
        var result = Compare(
        [
            Intent("pi_1", null),
            Intent("pi_2", "p_other"),
            Intent("pi_3", "p_else", status: "canceled"),
            Intent("pi_4", null, status: "requires_payment_method"),
            Intent("pi_5", "p_far", inWindow: false),
            Intent("pi_6", null) with { InvoiceId = "in_1" },
        ]);

        Assert.Equal([("pi_1", MismatchKinds.UnknownIntent), ("pi_2", MismatchKinds.UnknownIntent)], result.Mismatches.Select(m => (m.StripeObject!, m.Kind)));
    }

    [Fact]
    public void Compare_PaidInvoiceOfAPostedCheck_Matches_AndOneOfAFailedCheckIsChargedNotPosted()
    {
        var result = BookMatcher.Compare([], [Invoice("in_1", "p1"), Invoice("in_2", "p2")], Books(
            Ours("p1", reference: "in_1", invoiceId: "in_1"),
            Ours("p2", PaymentStatus.Failed, reference: "in_2", invoiceId: "in_2")));

        Assert.Equal(1, result.Matched);
        Assert.Equal(("p2", MismatchKinds.ChargedNotPosted), (Assert.Single(result.Mismatches).PaymentId, result.Mismatches[0].Kind));
    }

    [Fact]
    public void Compare_InvoicePartlyPaidBeforeOurs_Matches_ButOneWithLessThanOursDiffers()
    {
        var result = BookMatcher.Compare([], [Invoice("in_1", "p1", paid: 60000), Invoice("in_2", "p2", paid: 40000)], Books(
            Ours("p1", reference: "in_1", invoiceId: "in_1"),
            Ours("p2", reference: "in_2", invoiceId: "in_2")));

        Assert.Equal(1, result.Matched);
        Assert.Equal(("p2", MismatchKinds.AmountDiffers), (Assert.Single(result.Mismatches).PaymentId, result.Mismatches[0].Kind));
    }

    [Fact]
    public void Compare_InvoicePaidWithoutOurRecord_OrOverpaid_OrSettledByTwoOfOurs_IsReported()
    {
        var result = BookMatcher.Compare([], [Invoice("in_1", null), Invoice("in_2", "p2", paid: 91200, overpaid: 45600), Invoice("in_3", "p3")], Books(
            Ours("p2", reference: "in_2", invoiceId: "in_2"),
            Ours("p3", reference: "in_3", invoiceId: "in_3"),
            Ours("p4", reference: "in_3", invoiceId: "in_3")));

        Assert.Equal(
            [("in_1", MismatchKinds.InvoicePaidWithoutRecord), ("in_2", MismatchKinds.InvoicePaidTwice), ("in_3", MismatchKinds.InvoicePaidTwice), ("in_3", MismatchKinds.InvoicePaidTwice)],
            result.Mismatches.Select(m => (m.StripeObject!, m.Kind)));
        Assert.Equal(["p3", "p4"], result.Mismatches.Skip(2).Select(m => m.PaymentId!));
        Assert.Equal(0, result.Matched);
    }

    [Fact]
    public void Compare_OverpaidInvoiceOfAFailedPayment_IsChargedNotPosted_NotHiddenAsOverpaid()
    {
        var result = BookMatcher.Compare([], [Invoice("in_1", "p1", paid: 91200, overpaid: 45600)], Books(Ours("p1", PaymentStatus.Failed, reference: "in_1", invoiceId: "in_1")));

        Assert.Equal(MismatchKinds.ChargedNotPosted, Assert.Single(result.Mismatches).Kind);
    }

    [Fact]
    public void Compare_PostedCheckWhoseInvoiceIsStillOpen_IsPostedNotCharged()
    {
        var result = BookMatcher.Compare([], [Invoice("in_1", "p1", status: "open", paid: 0, inWindow: false)], Books(Ours("p1", reference: "in_1", invoiceId: "in_1")));

        var mismatch = Assert.Single(result.Mismatches);
        Assert.Equal((MismatchKinds.PostedNotCharged, "open"), (mismatch.Kind, mismatch.StripeStatus));
    }
}
