using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>
/// "How many met Sunday's deadline, and are they all posted?" — the calendar (<c>Deadlines:*</c>), each payment's
/// deadline on its receipt and status, and <c>GET /api/ops/deadlines</c> from the counters.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class DeadlineScenarios(AzuriteFixture azurite)
{
    [Fact]
    public async Task When_payments_meet_a_deadline_Should_say_so_on_each_receipt_and_count_them_by_kind_status_and_local_day()
    {
        // In New York: this deadline's pay-by is an hour from now, the next one's a month later.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var localNow = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime;
        var payBy = localNow.AddHours(1);
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Deadlines:TimeZone"] = "America/New_York",
            ["Deadlines:Calendar:0:Name"] = "soon",
            ["Deadlines:Calendar:0:CoverageStart"] = DateOnly.FromDateTime(localNow.AddDays(40)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Deadlines:Calendar:0:PayBy"] = payBy.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
            ["Deadlines:Calendar:1:Name"] = "later",
            ["Deadlines:Calendar:1:CoverageStart"] = DateOnly.FromDateTime(localNow.AddDays(70)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Deadlines:Calendar:1:PayBy"] = localNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        });

        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        var posted = receipt.GetProperty("paymentId").GetString()!;
        using var declinedResponse = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment("pm_card_chargeDeclined"));
        var declined = (await declinedResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        await system.WaitForStatusAsync(posted, "posted");
        await system.WaitForStatusAsync(declined, "declined");

        var deadline = receipt.GetProperty("deadline");
        Assert.Equal(("soon", true, "acceptedAt"), (deadline.GetProperty("name").GetString(), deadline.GetProperty("met").GetBoolean(), deadline.GetProperty("basis").GetString()));
        Assert.Equal(payBy.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), deadline.GetProperty("payBy").GetString());
        Assert.Equal("soon", (await system.GetPaymentAsync(posted)).GetProperty("deadline").GetProperty("name").GetString());

        // The counts follow the rows' writes: wait until the decline is counted.
        var report = await Poll.UntilAsync(
            () => system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/deadlines"),
            r => r.GetProperty("deadlines")[0].GetProperty("total").GetProperty("declined").GetInt64() == 1 && r.GetProperty("deadlines")[0].GetProperty("total").GetProperty("posted").GetInt64() == 1,
            TimeSpan.FromSeconds(30),
            r => $"not counted: {r}");
        var soon = report.GetProperty("deadlines")[0];
        Assert.Equal("soon", soon.GetProperty("name").GetString());
        var card = soon.GetProperty("byKind").GetProperty("card");
        Assert.Equal((2L, 1L, 0L, 1L, 0L, false), (card.GetProperty("met").GetInt64(), card.GetProperty("posted").GetInt64(), card.GetProperty("inFlight").GetInt64(), card.GetProperty("declined").GetInt64(), card.GetProperty("failed").GetInt64(), card.GetProperty("allPosted").GetBoolean()));
        Assert.Equal(0L, soon.GetProperty("byKind").GetProperty("check").GetProperty("met").GetInt64());
        var day = Assert.Single(soon.GetProperty("byLocalDay").EnumerateArray());
        Assert.Equal(DateOnly.FromDateTime(localNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day.GetProperty("date").GetString());
        Assert.Equal(2L, day.GetProperty("byKind").GetProperty("card").GetInt64());
        var later = report.GetProperty("deadlines")[1];
        Assert.Equal(("later", 0L), (later.GetProperty("name").GetString(), later.GetProperty("total").GetProperty("met").GetInt64()));
    }

    [Fact]
    public async Task When_there_is_no_calendar_Should_carry_no_deadline_and_list_none()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(receipt.TryGetProperty("deadline", out _));
        Assert.Empty((await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/deadlines")).GetProperty("deadlines").EnumerateArray());
    }
}
