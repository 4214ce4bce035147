using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using StripeEmulator;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>
/// A member calls: "I paid on Sunday — did it count?". Each payment's history of moves answers it
/// (<c>GET /api/payments/{id}/history</c>), and a member's payments are found by member id
/// (<c>GET /api/payments?memberId=…</c>), for operations any, for an intake caller its own.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class PaymentHistoryScenarios(AzuriteFixture azurite)
{
    private static readonly Dictionary<string, string?> OtherFrontEnd = new()
    {
        ["LocalHost:Callers:other-front-end:Key"] = "other-front-end-key",
        ["LocalHost:Callers:other-front-end:Roles:0"] = "intake",
    };

    [Fact]
    public async Task When_a_create_is_answered_500_Should_show_every_step_in_order_with_its_cause_and_actor()
    {
        // One 500 on the create, saved by Stripe under its key: the poster moves on to the next key and posts.
        await using var system = await TestSystem.StartAsync(azurite);
        system.Emulator.State.SetFault(FaultMode.ServerError, count: 1, pathEndsWith: "/payment_intents");

        var paymentId = await SubmitAsync(system.Client, TestSystem.Payment(memberId: "M-HIST-1"));
        var posted = await system.WaitForStatusAsync(paymentId, "posted");

        var history = await system.Admin.GetFromJsonAsync<JsonElement>($"/api/payments/{paymentId}/history");
        var moves = history.GetProperty("moves").EnumerateArray().ToList();
        Assert.Equal(("posted", "M-HIST-1"), (history.GetProperty("status").GetString(), history.GetProperty("memberId").GetString()));
        Assert.Equal(
            ["1 - → accepted accepted", "2 accepted → posting claimed", "3 posting → posting create-key-renewed", "4 posting → posting vendor-object-named", "5 posting → posted vendor-answer"],
            moves.Select(m => $"{m.GetProperty("sequence").GetInt32()} {Or(Text(m, "from"))} → {Text(m, "to")} {Text(m, "cause")}"));
        Assert.Equal("intake:local-intake", Text(moves[0], "actor"));
        var poster = Text(moves[1], "actor");
        Assert.NotEqual("", poster);
        Assert.All(moves.Skip(1), m => Assert.Equal(poster, Text(m, "actor"))); // the instance that claimed it posted it
        Assert.Contains("500", Text(moves[2], "detail"), StringComparison.Ordinal);
        Assert.Equal(posted.GetProperty("vendorReference").GetString(), Text(moves[4], "vendorReference"));
        Assert.Equal(posted.GetProperty("vendorReference").GetString(), Text(moves[3], "vendorReference"));
        Assert.True(moves.Zip(moves.Skip(1)).All(p => p.Second.GetProperty("at").GetDateTimeOffset() >= p.First.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal(posted.GetProperty("postedAt").GetDateTimeOffset(), moves[4].GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task When_a_payment_waits_for_the_vendor_Should_show_why_it_was_parked_and_when_it_was_posted()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:Timers:ProbeVendor"] = "01:00:00" });
        system.Emulator.State.SetFault(FaultMode.ServerError);
        var paymentId = await SubmitAsync(system.Client, TestSystem.Payment(memberId: "M-HIST-3"));
        await system.WaitForPaymentAsync(paymentId, p => p.GetProperty("attempts").GetInt32() >= 2 && p.GetProperty("status").GetString() == "accepted");

        system.Emulator.State.SetFault(FaultMode.None);
        var posted = await system.WaitForStatusAsync(paymentId, "posted");

        var moves = (await system.Admin.GetFromJsonAsync<JsonElement>($"/api/payments/{paymentId}/history")).GetProperty("moves").EnumerateArray().ToList();
        var story = string.Join(" | ", moves.Select(m => $"{Or(Text(m, "from"))} → {Text(m, "to")} {Text(m, "cause")} ({Text(m, "detail")})"));
        var parks = moves.Where(m => Text(m, "to") == "accepted" && Text(m, "from") != "").ToList();
        Assert.True(parks.Count >= 1, story);
        Assert.All(parks, m => Assert.Contains(Text(m, "cause"), new[] { "retry-later", "circuit-open" }));
        Assert.All(parks, m => Assert.NotEqual("", Text(m, "detail")));
        // Parked after the vendor's 500 or behind the circuit that 500s opened (on the real host the probe may open it first).
        Assert.All(parks, m => Assert.True(Text(m, "cause") == "retry-later" ? Text(m, "detail").Contains("500", StringComparison.Ordinal) : Text(m, "detail").Contains("circuit is open", StringComparison.Ordinal), story));
        Assert.True(moves.Zip(moves.Skip(1)).All(p => Text(p.Second, "from") == Text(p.First, "to")), story);
        Assert.Equal(("posted", "vendor-answer"), (Text(moves[^1], "to"), Text(moves[^1], "cause")));
        Assert.Equal(posted.GetProperty("attempts").GetInt32(), moves[^1].GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task When_a_card_is_declined_Should_end_the_history_with_the_decline_and_its_code()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        var paymentId = await SubmitAsync(system.Client, TestSystem.Payment(method: "pm_card_chargeDeclined", memberId: "M-HIST-2"));
        var declined = await system.WaitForStatusAsync(paymentId, "declined");

        var history = await system.Client.GetFromJsonAsync<JsonElement>($"/api/payments/{paymentId}/history");
        var last = history.GetProperty("moves").EnumerateArray().Last();
        Assert.Equal(("posting", "declined", "vendor-answer", "generic_decline"), (Text(last, "from"), Text(last, "to"), Text(last, "cause"), Text(last, "code")));
        Assert.Equal(declined.GetProperty("declineCode").GetString(), Text(last, "code"));
        Assert.StartsWith("pi_", Text(last, "vendorReference"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_member_calls_Should_find_their_payments_by_member_id_newest_first_and_only_an_intake_callers_own()
    {
        await using var system = await TestSystem.StartAsync(azurite, OtherFrontEnd);
        using var other = system.Host.ClientFor("other-front-end");
        var older = await SubmitAsync(system.Client, TestSystem.Payment(memberId: "M-CALLS", amount: 1000));
        var newer = await SubmitAsync(system.Client, TestSystem.Payment(memberId: "M-CALLS", amount: 2000));
        var othersOwn = await SubmitAsync(other, TestSystem.Payment(memberId: "M-CALLS", amount: 3000));
        var someoneElse = await SubmitAsync(system.Client, TestSystem.Payment(memberId: "M-OTHER"));

        var all = await system.Admin.GetFromJsonAsync<JsonElement>("/api/payments?memberId=M-CALLS");
        var mine = await system.Client.GetFromJsonAsync<JsonElement>("/api/payments?memberId=M-CALLS");
        var theirs = await other.GetFromJsonAsync<JsonElement>("/api/payments?memberId=M-CALLS&limit=5");
        var one = await system.Admin.GetFromJsonAsync<JsonElement>("/api/payments?memberId=M-CALLS&limit=1");

        Assert.Equal([othersOwn, newer, older], Ids(all));
        Assert.Equal([newer, older], Ids(mine));
        Assert.Equal([othersOwn], Ids(theirs));
        Assert.Equal([othersOwn], Ids(one));
        Assert.DoesNotContain(someoneElse, Ids(all));
        Assert.Equal("M-CALLS", all.GetProperty("memberId").GetString());
        Assert.All(all.GetProperty("payments").EnumerateArray(), p => Assert.Equal("M-CALLS", p.GetProperty("memberId").GetString()));
        Assert.Empty(Ids(await system.Admin.GetFromJsonAsync<JsonElement>("/api/payments?memberId=M-NOBODY")));
    }

    [Fact]
    public async Task When_an_intake_caller_asks_for_another_callers_history_Should_answer_404_as_for_an_unknown_payment()
    {
        await using var system = await TestSystem.StartAsync(azurite, OtherFrontEnd);
        using var other = system.Host.ClientFor("other-front-end");
        var paymentId = await SubmitAsync(system.Client, TestSystem.Payment());

        using var foreign = await other.GetAsync($"/api/payments/{paymentId}/history");
        using var unknown = await other.GetAsync("/api/payments/pay_00000000000000000000000000000000/history");
        using var own = await system.Client.GetAsync($"/api/payments/{paymentId}/history");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK), (foreign.StatusCode, unknown.StatusCode, own.StatusCode));
        Assert.Equal(
            (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(),
            (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/api/payments", "memberId")]
    [InlineData("/api/payments?memberId=", "memberId")]
    [InlineData("/api/payments?memberId=M%27%20or%20PartitionKey%20ne%20%27", "memberId")]
    [InlineData("/api/payments?memberId=M-1&limit=0", "limit")]
    [InlineData("/api/payments?memberId=M-1&limit=201", "limit")]
    [InlineData("/api/payments?memberId=M-1&limit=ten", "limit")]
    public async Task When_a_member_lookup_is_malformed_Should_answer_400_naming_the_parameter(string url, string field)
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await system.Admin.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task When_a_lockbox_caller_asks_for_a_members_payments_Should_answer_403()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var response = await system.Lockbox.GetAsync("/api/payments?memberId=M-1001");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static async Task<string> SubmitAsync(HttpClient client, object payment)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = JsonContent.Create(payment) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
    }

    private static List<string> Ids(JsonElement listing) =>
        listing.GetProperty("payments").EnumerateArray().Select(p => p.GetProperty("paymentId").GetString()!).ToList();

    private static string Or(string text) => text.Length == 0 ? "-" : text;

    private static string Text(JsonElement move, string name) =>
        move.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
