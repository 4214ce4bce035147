using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>An invoice is paid once, whatever mix of card payments and checks arrives for it.</summary>
[Collection(EndToEnd.Name)]
public sealed class InvoiceSettlementScenarios(AzuriteFixture azurite)
{
    /// <summary>
    /// The member pays the invoice now, so the payment is on-session (off_session=false): a card that needs 3-D Secure
    /// waits for the member on the invoice's hosted page, and the action-required check finds it paid.
    /// </summary>
    [Fact]
    public async Task When_the_card_needs_3D_Secure_Should_wait_for_the_member_on_the_invoice_page_then_post()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["Posting:ActionCheckInterval"] = "00:00:01" });
        var invoice = system.Emulator.State.SeedInvoice(null, 45600);

        var paymentId = await PayByCardAsync(system, invoice.Id, "pm_card_authenticationRequired");
        var waiting = await system.WaitForStatusAsync(paymentId, "action_required");
        var page = waiting.GetProperty("nextActionUrl").GetString()!;
        Assert.Equal(("open", 0), (invoice.Status, invoice.CardPayments));

        using var browser = new HttpClient();
        using (var authenticated = await browser.GetAsync(page))
        {
            Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        }

        var posted = await system.WaitForStatusAsync(paymentId, "posted", TimeSpan.FromSeconds(30));
        Assert.Equal(invoice.Id, posted.GetProperty("vendorReference").GetString());
        Assert.Equal(("paid", 1), (invoice.Status, invoice.CardPayments));
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    private static async Task<string> PayByCardAsync(TestSystem system, string invoiceId, string method = "pm_card_visa", HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments")
        {
            Content = JsonContent.Create(new { memberId = "M-1001", amount = 45600, currency = "usd", paymentMethodId = method, invoiceId }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await (client ?? system.Client).SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
    }

    private static async Task<string> PayByCheckAsync(TestSystem system, string invoiceId, string checkNumber = "7001")
    {
        var csv = $"member_id,invoice_id,amount,check_number,received_date\nM-1001,{invoiceId},456.00,{checkNumber},{DateTime.UtcNow:yyyy-MM-dd}\n";
        var batchId = $"b-{Guid.NewGuid():N}";
        using var response = await system.Lockbox.PutAsync($"/api/batches/{batchId}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await BatchScenarios.ReportAsync(system, batchId)).GetProperty("accepted")[0].GetProperty("paymentId").GetString()!;
    }

    private static async Task<JsonElement> FinalAsync(TestSystem system, string paymentId) =>
        await system.WaitForPaymentAsync(paymentId, p => p.GetProperty("status").GetString() is "posted" or "declined" or "failed" or "action_required");

    [Fact]
    public async Task When_a_card_pays_an_invoice_Should_pay_the_invoice_itself_with_the_card()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var invoice = system.Emulator.State.SeedInvoice(null, 45600);

        var paymentId = await PayByCardAsync(system, invoice.Id);

        var posted = await system.WaitForStatusAsync(paymentId, "posted");
        Assert.Equal(invoice.Id, posted.GetProperty("vendorReference").GetString());
        Assert.Equal(("paid", 1, 0), (invoice.Status, invoice.CardPayments, invoice.OutOfBandPayments));
        Assert.Empty(system.Emulator.State.PaymentIntentsFor(paymentId));
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_a_card_and_a_check_arrive_for_one_invoice_Should_settle_it_once_and_say_why_the_other_was_not_taken()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var invoice = system.Emulator.State.SeedInvoice(null, 45600);

        var card = PayByCardAsync(system, invoice.Id);
        var check = PayByCheckAsync(system, invoice.Id);
        var outcomes = new[] { await FinalAsync(system, await card), await FinalAsync(system, await check) };

        Assert.Equal(1, invoice.CardPayments + invoice.OutOfBandPayments);
        Assert.Equal(["failed", "posted"], outcomes.Select(o => o.GetProperty("status").GetString()).Order(StringComparer.Ordinal));
        var loser = outcomes.Single(o => o.GetProperty("status").GetString() == "failed");
        Assert.Contains($"invoice {invoice.Id} is settled by payment", loser.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains(loser.GetProperty("kind").GetString() == "check" ? "return it to the member" : "no card was charged", loser.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_two_cards_race_for_one_invoice_Should_charge_one()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var invoice = system.Emulator.State.SeedInvoice(null, 45600);

        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PayByCardAsync(system, invoice.Id)));
        var outcomes = await Task.WhenAll(ids.Select(id => FinalAsync(system, id)));

        Assert.Equal(1, invoice.CardPayments);
        Assert.Single(outcomes, o => o.GetProperty("status").GetString() == "posted");
    }

    [Fact]
    public async Task When_the_card_is_declined_Should_give_the_claim_back_so_a_check_can_settle_the_invoice()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var invoice = system.Emulator.State.SeedInvoice(null, 45600);

        var declined = await FinalAsync(system, await PayByCardAsync(system, invoice.Id, "pm_card_chargeDeclined"));
        var check = await system.WaitForStatusAsync(await PayByCheckAsync(system, invoice.Id), "posted");

        Assert.Equal("declined", declined.GetProperty("status").GetString());
        Assert.Equal(("paid", 0, 1), (invoice.Status, invoice.CardPayments, invoice.OutOfBandPayments));
        Assert.Equal(invoice.Id, check.GetProperty("vendorReference").GetString());
    }
}
