using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class BatchScenarios(AzuriteFixture azurite)
{
    private static string File(string name) => Path.Combine(AppContext.BaseDirectory, "Batches", name);

    private static async Task<HttpResponseMessage> UploadAsync(TestSystem system, string batchId, byte[] content, string contentType = "text/csv")
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await system.Lockbox.PutAsync($"/api/batches/{batchId}", body);
    }

    /// <summary>The batch's report once its lines are recorded (they are recorded from a queue after the 202).</summary>
    internal static Task<JsonElement> ReportAsync(TestSystem system, string batchId) =>
        Poll.UntilAsync(
            () => system.Lockbox.GetFromJsonAsync<JsonElement>($"/api/batches/{batchId}"),
            b => b.GetProperty("status").GetString() == "complete",
            TimeSpan.FromSeconds(60),
            b => $"Batch {batchId} did not complete in time: {b}");

    private static void SeedGoodInvoices(TestSystem system)
    {
        system.Emulator.State.SeedInvoice("in_good001", 45600);
        system.Emulator.State.SeedInvoice("in_good002", 123456);
        system.Emulator.State.SeedInvoice("in_good003", 7890);
        system.Emulator.State.SeedInvoice("in_good004", 1200);
    }

    [Fact]
    public async Task When_a_lockbox_file_is_uploaded_Should_accept_every_line_and_post_each_check_against_its_invoice()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        SeedGoodInvoices(system);
        var content = await System.IO.File.ReadAllBytesAsync(File("lockbox-good.csv"));

        using var response = await UploadAsync(system, "lockbox-2013-12-22", content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/batches/lockbox-2013-12-22", response.Headers.Location?.OriginalString);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("processing", 4), (status.GetProperty("status").GetString(), status.GetProperty("lines").GetInt32()));
        var report = await ReportAsync(system, "lockbox-2013-12-22");
        Assert.Equal(4, report.GetProperty("linesProcessed").GetInt32());
        Assert.Equal(4, report.GetProperty("lines").GetInt32());
        Assert.Equal(4, report.GetProperty("acceptedCount").GetInt32());
        Assert.Equal(0, report.GetProperty("rejectedCount").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", report.GetProperty("contentHash").GetString());
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(content)), report.GetProperty("contentHash").GetString()); // keyed (HMAC), not a bare SHA-256
        var accepted = report.GetProperty("accepted").EnumerateArray().ToList();
        Assert.Equal([2, 3, 5, 6], accepted.Select(a => a.GetProperty("line").GetInt32()));
        Assert.Equal([45600L, 123456L, 7890L, 1200L], accepted.Select(a => a.GetProperty("amount").GetInt64()));

        foreach (var line in accepted)
        {
            var payment = await system.WaitForStatusAsync(line.GetProperty("paymentId").GetString()!, "posted");
            Assert.Equal("check", payment.GetProperty("kind").GetString());
            Assert.Equal(line.GetProperty("invoiceId").GetString(), payment.GetProperty("vendorReference").GetString());
        }

        var first = system.Emulator.State.FindInvoice("in_good001")!;
        Assert.Equal("paid", first.Status);
        Assert.Equal(1, first.OutOfBandPayments);
        Assert.Equal("2013-12-22", first.Metadata["received_date"]);
        Assert.Equal("1001", first.Metadata["check_number"]);
        Assert.True(first.Metadata.ContainsKey("accepted_at"));
        Assert.Equal("2013-12-22", (await system.GetPaymentAsync(accepted[1].GetProperty("paymentId").GetString()!)).GetProperty("receivedDate").GetString());

        var raw = new BlobContainerClient(system.Storage, system.Prefix + "batches").GetBlobClient(report.GetProperty("rawFile").GetString());
        Assert.Equal(content, (await raw.DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task When_some_lines_are_bad_Should_accept_the_good_ones_and_explain_every_bad_one()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        system.Emulator.State.SeedInvoice("in_bad001", 10000);

        using var response = await UploadAsync(system, "bad-lines", await System.IO.File.ReadAllBytesAsync(File("lockbox-bad-lines.csv")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await ReportAsync(system, "bad-lines");
        Assert.Equal(1, report.GetProperty("acceptedCount").GetInt32());
        var reasons = report.GetProperty("rejected").EnumerateArray().ToDictionary(
            r => r.GetProperty("line").GetInt32(),
            r => string.Join(" | ", r.GetProperty("reasons").EnumerateArray().Select(x => x.GetString())));
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 12], reasons.Keys.Order());
        Assert.Equal("amount \"12.345\" has more than 2 decimals (usd)", reasons[3]);
        Assert.Contains("amount \"abc\" is not an amount", reasons[4], StringComparison.Ordinal);
        Assert.Equal("member_id is missing", reasons[5]);
        Assert.Contains("invoice_id \"INV-5\" is not a Stripe invoice id", reasons[6], StringComparison.Ordinal);
        Assert.Equal("check 5001 of member M-2001 is already on line 2 of this file", reasons[7]);
        Assert.Contains("received_date \"13/45/2013\" is not a date", reasons[8], StringComparison.Ordinal);
        Assert.StartsWith("received_date 2099-01-01 is later than today (", reasons[9], StringComparison.Ordinal);
        Assert.Contains("currency \"xyz\"", reasons[10], StringComparison.Ordinal);
        Assert.Contains("must be more than zero", reasons[11], StringComparison.Ordinal);
        Assert.Equal("check_number is missing", reasons[12]);
        var good = Assert.Single(report.GetProperty("accepted").EnumerateArray());
        await system.WaitForStatusAsync(good.GetProperty("paymentId").GetString()!, "posted");
    }

    /// <summary>
    /// The 13-line file: three good checks, one line whose payer field holds a card number, one check dated
    /// tomorrow, eight other bad lines. It was refused whole (400, nothing recorded); now the three are recorded.
    /// </summary>
    [Fact]
    public async Task When_a_lockbox_file_holds_a_card_number_on_one_line_Should_record_the_good_checks_and_store_the_number_masked()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        foreach (var invoice in new[] { "in_card001", "in_card003", "in_card013" })
        {
            system.Emulator.State.SeedInvoice(invoice, 10000);
        }

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string[] lines =
        [
            "member_id,invoice_id,amount,check_number,received_date,payer_name,currency",
            $"M-3001,in_card001,100.00,6001,{today},Ann Lee,usd",
            $"M-3002,in_card002,100.00,6002,{today},Card 4111 1111 1111 1111,usd",
            $"M-3003,in_card003,100.00,6003,{today},Bo Chen,usd",
            $"M-3004,in_card004,100.00,6004,{tomorrow},Cy Diaz,usd",
            $"M-3005,in_card005,abc,6005,{today},,usd",
            $",in_card006,100.00,6006,{today},,usd",
            $"M-3007,INV-7,100.00,6007,{today},,usd",
            $"M-3008,in_card008,100.00,,{today},,usd",
            $"M-3009,in_card009,0.00,6009,{today},,usd",
            $"M-3010,in_card010,100.00,6010,13/45/2026,,usd",
            $"M-3011,in_card011,100.00,6011,{today},,xyz",
            $"M-3013,in_card013,100.00,6013,{today},Di Eze,usd",
        ];
        Assert.Equal(13, lines.Length);
        var csv = string.Join("\n", lines) + "\n";

        using var response = await UploadAsync(system, "with-a-card", System.Text.Encoding.UTF8.GetBytes(csv));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await ReportAsync(system, "with-a-card");
        Assert.Equal([2, 4, 13], report.GetProperty("accepted").EnumerateArray().Select(a => a.GetProperty("line").GetInt32()));
        var rejected = report.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("line").GetInt32(), r => string.Join(" | ", r.GetProperty("reasons").EnumerateArray().Select(x => x.GetString())));
        Assert.Equal([3, 5, 6, 7, 8, 9, 10, 11, 12], rejected.Keys.Order());
        Assert.Equal(PaymentIntake.Batches.CheckLineParser.CardNumberReason, rejected[3]);
        Assert.StartsWith($"received_date {tomorrow} is later than today ({today}", rejected[5], StringComparison.Ordinal);
        Assert.DoesNotContain("1111", report.GetRawText(), StringComparison.Ordinal);
        var raw = new BlobContainerClient(system.Storage, system.Prefix + "batches").GetBlobClient(report.GetProperty("rawFile").GetString());
        var stored = (await raw.DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("Card **** **** **** 1111", stored, StringComparison.Ordinal);
        Assert.Equal(csv.Length, stored.Length);
        foreach (var good in report.GetProperty("accepted").EnumerateArray())
        {
            await system.WaitForStatusAsync(good.GetProperty("paymentId").GetString()!, "posted");
        }
    }

    [Fact]
    public async Task When_the_same_batch_is_uploaded_again_Should_return_the_same_report_and_with_other_content_answer_409()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        SeedGoodInvoices(system);
        var content = await System.IO.File.ReadAllBytesAsync(File("lockbox-good.csv"));
        using var first = await UploadAsync(system, "again", content);
        await ReportAsync(system, "again");
        var firstReport = await (await system.Lockbox.GetAsync("/api/batches/again")).Content.ReadAsStringAsync();

        using var second = await UploadAsync(system, "again", content);
        using var other = await UploadAsync(system, "again", await System.IO.File.ReadAllBytesAsync(File("lockbox-bad-lines.csv")));
        using var get = await system.Lockbox.GetAsync("/api/batches/again");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(firstReport, await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(firstReport, await get.Content.ReadAsStringAsync());
        foreach (var line in JsonDocument.Parse(firstReport).RootElement.GetProperty("accepted").EnumerateArray())
        {
            await system.WaitForStatusAsync(line.GetProperty("paymentId").GetString()!, "posted");
        }

        Assert.All(new[] { "in_good001", "in_good002", "in_good003", "in_good004" }, id => Assert.Equal(1, system.Emulator.State.FindInvoice(id)!.OutOfBandPayments));
    }

    [Fact]
    public async Task When_a_check_was_accepted_in_an_earlier_batch_Should_reject_it_naming_that_batch()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        SeedGoodInvoices(system);
        var content = await System.IO.File.ReadAllBytesAsync(File("lockbox-good.csv"));
        using var first = await UploadAsync(system, "monday", content);
        await ReportAsync(system, "monday");

        using var second = await UploadAsync(system, "tuesday", content);

        var report = await ReportAsync(system, "tuesday");
        Assert.Equal(0, report.GetProperty("acceptedCount").GetInt32());
        Assert.Equal(4, report.GetProperty("rejectedCount").GetInt32());
        Assert.Equal("check 1001 of member M-1001 was already accepted in batch monday (line 2)",
            report.GetProperty("rejected")[0].GetProperty("reasons")[0].GetString());
    }

    [Fact]
    public async Task When_checks_do_not_match_their_invoices_Should_fail_them_with_the_reason_and_post_the_good_one()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        system.Emulator.State.SeedInvoice("in_mismatch001", 12000);
        system.Emulator.State.SeedInvoice("in_paid002", 5000, status: "paid");
        system.Emulator.State.SeedInvoice("in_void003", 5000, status: "void");
        system.Emulator.State.SeedInvoice("in_ok005", 7500);

        using var response = await UploadAsync(system, "mismatch", await System.IO.File.ReadAllBytesAsync(File("lockbox-mismatch.csv")));
        var ids = (await ReportAsync(system, "mismatch")).GetProperty("accepted").EnumerateArray()
            .ToDictionary(a => a.GetProperty("invoiceId").GetString()!, a => a.GetProperty("paymentId").GetString()!);

        Assert.Equal("check amount 100.00 differs from invoice in_mismatch001's amount remaining 120.00",
            (await system.WaitForStatusAsync(ids["in_mismatch001"], "failed")).GetProperty("lastError").GetString());
        Assert.Contains("is already paid", (await system.WaitForStatusAsync(ids["in_paid002"], "failed")).GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("is void", (await system.WaitForStatusAsync(ids["in_void003"], "failed")).GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("No such invoice", (await system.WaitForStatusAsync(ids["in_missing004"], "failed")).GetProperty("lastError").GetString(), StringComparison.Ordinal);
        await system.WaitForStatusAsync(ids["in_ok005"], "posted");
        Assert.Equal("open", system.Emulator.State.FindInvoice("in_mismatch001")!.Status);
        Assert.Equal(0, system.Emulator.State.FindInvoice("in_paid002")!.OutOfBandPayments);
    }

    [Fact]
    public async Task When_the_file_is_larger_than_10_MiB_Should_answer_413_with_the_limit()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var content = new byte[(10 * 1024 * 1024) + 1];
        Array.Fill(content, (byte)'a');

        using var response = await UploadAsync(system, "too-big", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("10 MiB", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_file_has_more_than_50000_lines_Should_answer_413_and_create_nothing()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var csv = new StringBuilder("member_id,invoice_id,amount,check_number,received_date\n");
        for (var i = 0; i < 50_001; i++)
        {
            csv.Append("M-1,in_x,1.00,").Append(i).Append(",2013-12-22\n");
        }

        using var response = await UploadAsync(system, "too-many", Encoding.UTF8.GetBytes(csv.ToString()));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("50,000", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Lockbox.GetAsync("/api/batches/too-many")).StatusCode);
    }

    [Fact]
    public async Task When_the_header_lacks_a_column_Should_answer_400_naming_it_and_leave_the_id_free()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await UploadAsync(system, "no-check-number", await System.IO.File.ReadAllBytesAsync(File("lockbox-missing-column.csv")));
        using var retry = await UploadAsync(system, "no-check-number", await System.IO.File.ReadAllBytesAsync(File("lockbox-bad-lines.csv")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("check_number", problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    [Theory]
    [InlineData("has space", "text/csv", HttpStatusCode.BadRequest)]
    [InlineData("ok-id", "application/json", HttpStatusCode.UnsupportedMediaType)]
    public async Task When_the_batch_id_or_content_type_is_wrong_Should_answer_a_problem(string batchId, string contentType, HttpStatusCode expected)
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await UploadAsync(system, Uri.EscapeDataString(batchId), "member_id\n"u8.ToArray(), contentType);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
