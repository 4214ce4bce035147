using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Payments;
using PaymentIntake.Posting.Vendor;

namespace PaymentFunctions.Tests.Services;

/// <summary>The invoice payer alone, against the emulator's invoices.</summary>
[Collection(EndToEnd.Name)]
public sealed class InvoicePayerTests(AzuriteFixture azurite)
{
    private static Task<PostingOutcome> PostAsync(CoreServices core, PaymentIntake.Payments.PaymentRow check) =>
        core.Get<InvoicePayer>().PostAsync(check.ToPayment(), () => Task.CompletedTask, CancellationToken.None);

    [Fact]
    public async Task PostAsync_CheckInAnotherCurrency_FailsAndLeavesTheInvoiceOpen()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var invoice = core.Emulator.State.SeedInvoice(null, 45600, "usd");

        var outcome = await PostAsync(core, Rows.Check(invoice.Id, currency: "eur"));

        Assert.Equal(new PostingOutcome.Failed($"check currency eur differs from invoice {invoice.Id}'s currency usd"), outcome);
        Assert.Equal(("open", 0), (invoice.Status, invoice.OutOfBandPayments));
    }

    [Theory]
    [InlineData("draft", false)]
    [InlineData("uncollectible", true)]
    public async Task PostAsync_InvoiceState_DraftRefusedUncollectiblePaid(string status, bool paid)
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var invoice = core.Emulator.State.SeedInvoice(null, 45600, "usd", status);

        var outcome = await PostAsync(core, Rows.Check(invoice.Id));

        Assert.Equal(paid, outcome is PostingOutcome.Posted);
        Assert.Equal(paid ? 1 : 0, invoice.OutOfBandPayments);
    }

    [Fact]
    public async Task PostAsync_OwnEarlierPaymentWhoseAnswerWasLost_IsPostedWithoutPayingAgain()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var invoice = core.Emulator.State.SeedInvoice(null, 45600, "usd");
        var check = Rows.Check(invoice.Id);
        var first = await PostAsync(core, check);

        var again = await PostAsync(core, check);

        Assert.Equal(new PostingOutcome.Posted(invoice.Id), first);
        Assert.Equal(new PostingOutcome.Posted(invoice.Id), again);
        Assert.Equal(("paid", 1), (invoice.Status, invoice.OutOfBandPayments));
    }

    [Fact]
    public async Task PostAsync_InvoicePaidByAnotherPayment_Fails()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var invoice = core.Emulator.State.SeedInvoice(null, 45600, "usd");
        await PostAsync(core, Rows.Check(invoice.Id));

        var other = await PostAsync(core, Rows.Check(invoice.Id));

        Assert.Equal(new PostingOutcome.Failed($"invoice {invoice.Id} is already paid; the check was not recorded: return it to the member"), other);
        Assert.Equal(1, invoice.OutOfBandPayments);
    }
}
