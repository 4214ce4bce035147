using Azure.Data.Tables;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Payments;
using PaymentIntake.Posting;
using PaymentIntake.Posting.Takeover;
using PaymentIntake.Storage;

namespace PaymentFunctions.Tests.Services;

/// <summary>
/// Two instances on one storage account and one vendor: instance A names a payment in its heartbeat and claims it,
/// then does nothing more (as if it died there, or is still posting); instance B, whose clock can jump, receives the
/// payment's message and runs the takeover.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class ClaimTakeoverTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan TakeoverAfter = TimeSpan.FromSeconds(10);

    private static async Task<(CoreServices A, CoreServices B, JumpingClock BClock)> StartAsync(AzuriteFixture azurite)
    {
        var a = await CoreServices.StartAsync(azurite, new Dictionary<string, string?> { ["Posting:PostingLease"] = "00:10:00" });
        var clock = new JumpingClock();
        var b = await CoreServices.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Posting:PostingLease"] = "00:10:00", // far longer than the test: only the heartbeat can end A's claim
            ["PaymentIntake:NamePrefix"] = a.Prefix,
            ["Stripe:ApiBase"] = a.Emulator.BaseUrl.ToString(),
            ["Stripe:WebhookSecret"] = a.Emulator.State.WebhookSecret,
        }, clock);
        return (a, b, clock);
    }

    /// <summary>A names the payment, stored, and claims the row: what a poster does before its first vendor call.</summary>
    private static async Task<Payment> ClaimAsync(CoreServices a, bool working = true)
    {
        var row = await a.InsertAsync(Rows.Card());
        var heartbeat = a.Get<InstanceHeartbeat>();
        if (working)
        {
            _ = await heartbeat.WorkOnAsync(row.PaymentId, CancellationToken.None); // never ended: A posts it, or died
        }
        else
        {
            await heartbeat.BeatAndReadAsync(CancellationToken.None); // alive, but not posting it any more
        }

        Assert.True(await a.Get<PaymentRepository>().TryClaimAsync(row, heartbeat.Instance, CancellationToken.None));
        return row;
    }

    [Fact]
    public async Task PostAsync_ClaimOfAnInstanceAliveAndPostingIt_StandsBack()
    {
        var (a, b, _) = await StartAsync(azurite);
        await using var _a = a;
        await using var _b = b;
        var row = await ClaimAsync(a);

        await b.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        var after = await b.ReadAsync(row.PaymentId);
        Assert.Equal((PaymentStatus.Posting, a.Get<InstanceHeartbeat>().Instance), (after.Status, after.ClaimedBy));
        Assert.Equal(0, a.Emulator.State.ChargesFor(row.PaymentId));
    }

    [Fact]
    public async Task PostAsync_ClaimOfAnInstanceAliveButNoLongerPostingIt_TakesItOverAtOnce()
    {
        var (a, b, _) = await StartAsync(azurite);
        await using var _a = a;
        await using var _b = b;
        var row = await ClaimAsync(a, working: false);

        await b.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        var after = await b.ReadAsync(row.PaymentId);
        Assert.Equal((PaymentStatus.Posted, b.Get<InstanceHeartbeat>().Instance), (after.Status, after.ClaimedBy));
        Assert.Equal(1, a.Emulator.State.ChargesFor(row.PaymentId));
    }

    [Fact]
    public async Task RunAsync_InstanceSilentPastTheTakeoverAge_SendsItsPaymentsAgain_AndTheNextDeliveryPostsOnce()
    {
        var (a, b, clock) = await StartAsync(azurite);
        await using var _a = a;
        await using var _b = b;
        var row = await ClaimAsync(a);
        a.Get<InstanceHeartbeat>().Dispose(); // A dies: no more beats
        clock.Jump(TakeoverAfter + TimeSpan.FromSeconds(1));

        var report = await b.Get<ClaimTakeover>().RunAsync(CancellationToken.None);
        var depth = await a.QueueDepthAsync(QueueNames.Payments);
        await b.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);
        var again = await b.Get<ClaimTakeover>().RunAsync(CancellationToken.None);

        Assert.Equal(new ClaimTakeover.Report(DeadInstances: 1, Sent: 1), report);
        Assert.Equal(1, depth);
        var after = await b.ReadAsync(row.PaymentId);
        Assert.Equal((PaymentStatus.Posted, b.Get<InstanceHeartbeat>().Instance), (after.Status, after.ClaimedBy));
        Assert.Equal(1, a.Emulator.State.ChargesFor(row.PaymentId));
        Assert.Equal(0, again.Sent);
    }

    [Fact]
    public async Task RunAsync_InstanceThatBeatWithinTheTakeoverAge_IsLeftAlone()
    {
        var (a, b, clock) = await StartAsync(azurite);
        await using var _a = a;
        await using var _b = b;
        var row = await ClaimAsync(a);
        clock.Jump(TakeoverAfter - TimeSpan.FromSeconds(3));

        var report = await b.Get<ClaimTakeover>().RunAsync(CancellationToken.None);

        Assert.Equal(new ClaimTakeover.Report(DeadInstances: 0, Sent: 0), report);
        Assert.Equal(0, await a.QueueDepthAsync(QueueNames.Payments));
        Assert.True(await b.Get<InstanceHeartbeat>().IsWorkingOnAsync(a.Get<InstanceHeartbeat>().Instance, row.PaymentId, CancellationToken.None));
    }

    [Fact]
    public async Task WorkOnAsync_WhileWorking_BeatsEveryRefreshThoughNoRequestLeaves_AndDropsThePaymentOnceDone()
    {
        await using var a = await CoreServices.StartAsync(azurite); // refresh 200 ms
        var heartbeat = a.Get<InstanceHeartbeat>();
        var table = new TableClient(a.Storage, a.Get<StorageNames>().VendorRateTable);

        var work = await heartbeat.WorkOnAsync("pay_slow_call", CancellationToken.None);
        var first = (await table.GetEntityAsync<TableEntity>(InstanceHeartbeat.Partition, heartbeat.Instance)).Value;
        var later = await Poll.UntilAsync(
            async () => (await table.GetEntityAsync<TableEntity>(InstanceHeartbeat.Partition, heartbeat.Instance)).Value,
            e => e.GetDateTimeOffset("SeenAt") > first.GetDateTimeOffset("SeenAt"),
            TimeSpan.FromSeconds(20),
            e => $"No beat since {e.GetDateTimeOffset("SeenAt"):O}.");
        await work.DisposeAsync();
        var done = await Poll.UntilAsync(
            async () => (await table.GetEntityAsync<TableEntity>(InstanceHeartbeat.Partition, heartbeat.Instance)).Value,
            e => e.GetString("Working") == "",
            TimeSpan.FromSeconds(20),
            e => $"Still working on '{e.GetString("Working")}'.");

        Assert.Equal("pay_slow_call", first.GetString("Working"));
        Assert.Equal("pay_slow_call", later.GetString("Working"));
        Assert.True(done.GetDateTimeOffset("SeenAt") >= later.GetDateTimeOffset("SeenAt"));
    }
}
