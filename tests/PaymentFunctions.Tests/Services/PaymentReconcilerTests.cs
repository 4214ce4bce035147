using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Due;
using PaymentIntake.Payments;
using PaymentIntake.Reconciliation;
using PaymentIntake.Storage;

namespace PaymentFunctions.Tests.Services;

/// <summary>The reconciler alone, on a clock of the test's; storage is the shared Azurite.</summary>
[Collection(EndToEnd.Name)]
public sealed class PaymentReconcilerTests(AzuriteFixture azurite)
{
    private static async Task<Payment> StuckAsync(CoreServices core, DateTimeOffset now, DateTimeOffset due)
    {
        var row = await core.InsertAsync(Rows.Card(acceptedAt: now.AddMinutes(-30)));
        await core.Get<PaymentsDueIndex>().AddAsync(row.PaymentId, due, row.AcceptedAt, CancellationToken.None);
        return row;
    }

    [Fact]
    public async Task RunAsync_FirstRun_LooksBackSevenDaysAndNoFurther()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var core = await CoreServices.StartAsync(azurite, time: time);
        var now = time.GetUtcNow();
        var recent = await StuckAsync(core, now, now.AddDays(-6));
        var tooOld = await StuckAsync(core, now, now.AddDays(-8));

        var report = await core.Get<PaymentReconciler>().RunAsync(CancellationToken.None);

        Assert.Equal(new PaymentReconciler.Report(Examined: 1, Requeued: 1, Finished: 0, Deferred: 0, BehindBacklog: 0), report);
        Assert.Equal(1, await core.QueueDepthAsync(QueueNames.Payments));
        var entries = await core.Get<PaymentsDueIndex>().ListDueAsync("0", PaymentsDueIndex.LastBucket, CancellationToken.None);
        Assert.Contains(entries, e => e.PaymentId == tooOld.PaymentId && PaymentsDueIndex.BucketStart(e.Bucket) < now.AddDays(-7)); // never read
        Assert.Contains(entries, e => e.PaymentId == recent.PaymentId && PaymentsDueIndex.BucketStart(e.Bucket) > now); // moved on
    }

    [Fact]
    public async Task RunAsync_AfterACheckpoint_ReadsOnlyWhatCameDueSince()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var core = await CoreServices.StartAsync(azurite, time: time);
        var reconciler = core.Get<PaymentReconciler>();
        await StuckAsync(core, time.GetUtcNow(), time.GetUtcNow().AddSeconds(-5));
        var first = await reconciler.RunAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(10));
        await StuckAsync(core, time.GetUtcNow(), time.GetUtcNow().AddSeconds(-3));
        var second = await reconciler.RunAsync(CancellationToken.None);
        var third = await reconciler.RunAsync(CancellationToken.None);

        Assert.Equal((1, 1), (first.Examined, first.Requeued));
        Assert.Equal((1, 1), (second.Examined, second.Requeued));
        Assert.Equal(0, third.Examined);
        Assert.Equal(PaymentsDueIndex.Bucket(time.GetUtcNow()), await core.Get<PaymentsDueIndex>().GetCheckpointAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_FinalPayment_DropsItsEntryWithoutEnqueuing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var core = await CoreServices.StartAsync(azurite, time: time);
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.Posted));
        await core.Get<PaymentsDueIndex>().AddAsync(row.PaymentId, time.GetUtcNow().AddSeconds(-1), row.AcceptedAt, CancellationToken.None);

        var report = await core.Get<PaymentReconciler>().RunAsync(CancellationToken.None);

        Assert.Equal((1, 1, 0), (report.Examined, report.Finished, report.Requeued));
        Assert.Empty(await core.Get<PaymentsDueIndex>().ListDueAsync("0", PaymentsDueIndex.LastBucket, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_TwoReconcilersAtOnce_EnqueueEachPaymentAtMostTwiceAndLeaveOneEntryEach()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var core = await CoreServices.StartAsync(azurite, time: time);
        var now = time.GetUtcNow();
        var rows = new List<Payment>();
        for (var i = 0; i < 5; i++)
        {
            rows.Add(await StuckAsync(core, now, now.AddSeconds(-1)));
        }

        var reconciler = core.Get<PaymentReconciler>();
        var reports = await Task.WhenAll(reconciler.RunAsync(CancellationToken.None), reconciler.RunAsync(CancellationToken.None));

        var requeued = reports.Sum(r => r.Requeued);
        Assert.InRange(requeued, 5, 10);
        Assert.Equal(requeued, await core.QueueDepthAsync(QueueNames.Payments));
        var entries = await core.Get<PaymentsDueIndex>().ListDueAsync("0", PaymentsDueIndex.LastBucket, CancellationToken.None);
        Assert.Equal(rows.Select(r => r.PaymentId).Order(StringComparer.Ordinal), entries.Select(e => e.PaymentId).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.True(PaymentsDueIndex.BucketStart(e.Bucket) > now, $"{e.PaymentId} is not due again later: {e.Bucket}"));
        Assert.Equal(0, (await reconciler.RunAsync(CancellationToken.None)).Examined);
    }
}
