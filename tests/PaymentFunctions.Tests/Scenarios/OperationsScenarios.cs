using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Operations;
using StripeEmulator;

namespace PaymentFunctions.Tests.Scenarios;

[Collection(EndToEnd.Name)]
public sealed class OperationsScenarios(AzuriteFixture azurite)
{
    private static async Task<(string PaymentId, JsonElement Poisoned)> GiveUpOnAPaymentAsync(TestSystem system)
    {
        system.Emulator.State.SetFault(FaultMode.ServerError);
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        await system.WaitForStatusAsync(paymentId, "failed");
        var poisoned = Assert.Single(await system.WaitForPoisonAsync(1));
        system.Emulator.State.SetFault(FaultMode.None);
        return (paymentId, poisoned);
    }

    private static Dictionary<string, string?> GivesUpFast => new() { ["Posting:MaxPostingAge"] = "00:00:02" };

    [Fact]
    public async Task When_ops_routes_are_called_with_the_intake_key_Should_answer_403()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var status = await system.Client.GetAsync("/api/ops/status");
        using var poison = await system.Client.GetAsync("/api/ops/poison");
        using var replay = await system.Client.PostAsJsonAsync("/api/ops/poison/replay", new { all = true });

        Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, poison.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
    }

    [Fact]
    public async Task When_a_poisoned_payment_is_replayed_after_a_dry_run_Should_be_posted_once_and_counted()
    {
        var started = DateTimeOffset.UtcNow;
        await using var system = await TestSystem.StartAsync(azurite, GivesUpFast);
        var (paymentId, poisoned) = await GiveUpOnAPaymentAsync(system);
        var id = poisoned.GetProperty("id").GetString()!;

        using var dry = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { ids = new[] { id }, dryRun = true });
        var dryResult = await dry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Equal([id], dryResult.GetProperty("replayed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("failed", (await system.GetPaymentAsync(paymentId)).GetProperty("status").GetString());
        Assert.Equal(1, (await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison")).GetProperty("total").GetInt32());

        using var real = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { ids = new[] { id } });
        var result = await real.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([id], result.GetProperty("replayed").EnumerateArray().Select(e => e.GetString()));

        var posted = await system.WaitForStatusAsync(paymentId, "posted");
        Assert.Equal(1, posted.GetProperty("replayCount").GetInt32());
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
        Assert.Equal(0, (await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison")).GetProperty("total").GetInt32());

        using var again = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { ids = new[] { id } });
        var skipped = Assert.Single((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("skipped").EnumerateArray());
        Assert.Equal(id, skipped.GetProperty("id").GetString());

        var audit = await AuditReader.SinceAsync(system.Service<AuditLog>(), started);
        Assert.Equal(3, audit.Count);
        Assert.All(audit, entry => Assert.Equal("local-ops", entry.Who));
        Assert.Contains(audit, entry => entry.Action == "poison.replay.dry_run" && entry.Count == 1);

        // Its history tells the story: given up, replayed by the operator (the dry run moved nothing), posted.
        var moves = (await system.Admin.GetFromJsonAsync<JsonElement>($"/api/payments/{paymentId}/history")).GetProperty("moves").EnumerateArray()
            .Select(m => (Cause: m.GetProperty("cause").GetString(), To: m.GetProperty("to").GetString(), Actor: m.GetProperty("actor").GetString())).ToList();
        var replay = Assert.Single(moves, m => m.Cause == "replayed");
        Assert.Equal(("accepted", "operator:local-ops"), (replay.To, replay.Actor));
        var replayedAt = moves.IndexOf(replay);
        Assert.Equal("failed", moves[replayedAt - 1].To);
        Assert.Contains(moves[replayedAt - 1].Cause, new[] { "gave-up", "poisoned" });
        Assert.Equal(("posted", "vendor-answer"), (moves[^1].To, moves[^1].Cause));
    }

    [Fact]
    public async Task When_a_replay_crashed_after_the_enqueue_and_before_the_delete_Should_lose_nothing_and_post_once()
    {
        await using var system = await TestSystem.StartAsync(azurite, GivesUpFast);
        var (paymentId, _) = await GiveUpOnAPaymentAsync(system);
        var store = system.Service<PoisonStore>();
        var record = Assert.Single(await store.ListAsync(CancellationToken.None));

        using var replay = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { all = true });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        await store.AddAsync(record, CancellationToken.None); // the delete "never happened"
        using var again = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { all = true });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        // The payment is in flight again or already posted: either way the record is dealt with and nothing is lost.
        var handled = second.GetProperty("replayed").EnumerateArray().Concat(second.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("id"))).Select(e => e.GetString());
        Assert.Equal([record.Id], handled);

        await system.WaitForStatusAsync(paymentId, "posted");
        await system.WaitForQueueEmptyAsync();
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_poisoned_messages_have_several_causes_Should_list_them_grouped_and_replay_by_fingerprint()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        for (var i = 0; i < 2; i++)
        {
            await system.SendRawMessageAsync($$"""{"paymentId":"pay_{{i:D32}}"}""");
        }

        await system.SendRawMessageAsync("garbage");
        await system.WaitForPoisonAsync(3);

        var listing = await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison?pageSize=2");
        var groups = listing.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("exceptionType").GetString()!, g => g);
        Assert.Equal(3, listing.GetProperty("total").GetInt32());
        Assert.Equal(2, groups["PaymentNotFoundException"].GetProperty("count").GetInt32());
        Assert.Equal(1, groups["InvalidPaymentMessageException"].GetProperty("count").GetInt32());
        Assert.Equal(2, listing.GetProperty("messages").GetArrayLength());
        var next = await system.Admin.GetFromJsonAsync<JsonElement>($"/api/ops/poison?pageSize=2&pageToken={listing.GetProperty("nextPageToken").GetString()}");
        Assert.Equal(1, next.GetProperty("messages").GetArrayLength());
        var firstAt = listing.GetProperty("messages")[0].GetProperty("poisonedAt").GetDateTimeOffset();
        Assert.True(firstAt >= next.GetProperty("messages")[0].GetProperty("poisonedAt").GetDateTimeOffset());

        var fingerprint = groups["PaymentNotFoundException"].GetProperty("fingerprint").GetString();
        using var dryRun = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { fingerprint, dryRun = true });
        Assert.Equal(2, (await dryRun.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetArrayLength());

        // The real replay puts back only that kind; the two name no payment, so they fail again and come back poisoned
        // under new ids, while the other kind's record stays as it was.
        var before = (await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison?pageSize=100")).GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("fingerprint").GetString());
        using var replay = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { fingerprint });
        var replayed = (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(before.Where(b => b.Value == fingerprint).Select(b => b.Key).Order(StringComparer.Ordinal), replayed.Order(StringComparer.Ordinal));
        var after = await Poll.UntilAsync(
            () => system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/poison?pageSize=100"),
            l => l.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("fingerprint").GetString() == fingerprint && !replayed.Contains(m.GetProperty("id").GetString()!)) == 2,
            TimeSpan.FromSeconds(30),
            l => $"The replayed messages did not come back poisoned: {l}");
        var ids = after.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.Equal(3, ids.Count);
        Assert.DoesNotContain(ids, replayed.Contains);
        Assert.Contains(before.Single(b => b.Value != fingerprint).Key, ids);
    }

    [Fact]
    public async Task When_a_replay_selects_nothing_or_two_things_Should_answer_400()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        using var none = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { dryRun = true });
        using var two = await system.Admin.PostAsJsonAsync("/api/ops/poison/replay", new { all = true, fingerprint = "fp_x" });

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, two.StatusCode);
    }

    [Fact]
    public async Task When_the_vendor_goes_down_and_comes_back_Should_show_down_within_the_probe_interval_and_up_after()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        await system.WaitForVendorStateAsync("up");

        system.Emulator.State.SetFault(FaultMode.ServerError);
        var down = await system.WaitForVendorStateAsync("down", TimeSpan.FromSeconds(10));
        Assert.NotEqual(JsonValueKind.Null, down.GetProperty("vendor").GetProperty("downSince").ValueKind);

        system.Emulator.State.SetFault(FaultMode.None);
        var up = await system.WaitForVendorStateAsync("up", TimeSpan.FromSeconds(10));
        Assert.Equal(JsonValueKind.Null, up.GetProperty("vendor").GetProperty("downSince").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, up.GetProperty("vendor").GetProperty("lastSuccessAt").ValueKind);
    }

    [Fact]
    public async Task When_payments_wait_Should_show_them_in_flight_with_the_oldest_age_and_queue_depths()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:QueuePump"] = "false" });
        var acceptedAt = new List<DateTimeOffset>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            acceptedAt.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acceptedAt").GetDateTimeOffset());
        }

        var asked = DateTimeOffset.UtcNow;
        var status = await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/status");
        var answered = DateTimeOffset.UtcNow;

        Assert.Equal(3, status.GetProperty("queues").GetProperty("payments").GetInt32());
        Assert.Equal(3, status.GetProperty("inFlight").GetProperty("total").GetInt32());
        Assert.Equal(3, status.GetProperty("inFlight").GetProperty("byStatus").GetProperty("accepted").GetInt32());
        Assert.Equal(acceptedAt.Min(), status.GetProperty("inFlight").GetProperty("oldestNotPostedAcceptedAt").GetDateTimeOffset());
        Assert.InRange(status.GetProperty("inFlight").GetProperty("oldestNotPostedAgeSeconds").GetDouble(), (asked - acceptedAt.Min()).TotalSeconds - 0.1, (answered - acceptedAt.Min()).TotalSeconds + 0.1);
        Assert.Equal(0, status.GetProperty("poisonedMessages").GetInt32());
    }

    [Fact]
    public async Task When_payments_finish_Should_count_them_by_final_status_for_the_last_24_hours()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var ids = new List<string>();
        foreach (var method in new[] { "pm_card_visa", "pm_card_visa", "pm_card_chargeDeclined" })
        {
            using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment(method));
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!);
        }

        await system.WaitForStatusAsync(ids[0], "posted");
        await system.WaitForStatusAsync(ids[1], "posted");
        await system.WaitForStatusAsync(ids[2], "declined");
        // The same message again finds the payment done: no second count.
        await system.SendMessageAsync(ids[0]);
        await system.WaitForQueueEmptyAsync();

        var status = await system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/status");
        var counts = status.GetProperty("last24Hours");

        Assert.Equal(2, counts.GetProperty("byStatus").GetProperty("posted").GetInt64());
        Assert.Equal(1, counts.GetProperty("byStatus").GetProperty("declined").GetInt64());
        Assert.False(counts.GetProperty("byStatus").TryGetProperty("failed", out _));
        Assert.True(DateTimeOffset.UtcNow - counts.GetProperty("since").GetDateTimeOffset() <= TimeSpan.FromHours(24));
        Assert.Equal(0, status.GetProperty("inFlight").GetProperty("total").GetInt32());
    }
}
