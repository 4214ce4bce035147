using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Due;
using PaymentIntake.Intake;
using PaymentIntake.Operations;
using PaymentIntake.Payments;

namespace PaymentFunctions.Tests.Services;

/// <summary>
/// The due index holds the payments in flight and the operations status reads it in bounded time: a payment that is
/// done leaves the index when its status is written, and the status reads at most <c>Operations:StatusRowReads</c>
/// rows, oldest accepted first.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class InFlightStatusTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(PaymentStatus.Posted, false)]
    [InlineData(PaymentStatus.Declined, false)]
    [InlineData(PaymentStatus.Failed, false)]
    [InlineData(PaymentStatus.ActionRequired, true)] // checked at the vendor from the index (ActionRequiredFollowUp)
    public async Task FinalStatus_RemovesTheEntryWrittenAtIntake_ExceptActionRequired(string final, bool staysInIndex)
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var due = core.Get<PaymentsDueIndex>();
        var (row, created) = await core.Get<PaymentIntakeService>().RecordAsync(Rows.Card().ToPayment(), CancellationToken.None);
        Assert.True(created);
        Assert.Contains(await due.ListAllAsync(DateTimeOffset.UtcNow, CancellationToken.None), e => e.PaymentId == row.PaymentId && e.AcceptedAt == row.AcceptedAt);

        var payments = core.Get<PaymentRepository>();
        row.MoveTo(PaymentStatus.Posting);
        Assert.True(await payments.TrySaveAsync(row, CancellationToken.None));
        Assert.Single(await due.ListAllAsync(DateTimeOffset.UtcNow, CancellationToken.None)); // in flight: still there
        row.MoveTo(final);
        Assert.True(await payments.TrySaveAsync(row, CancellationToken.None));

        var entries = await due.ListAllAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(staysInIndex, entries.Any(e => e.PaymentId == row.PaymentId));
    }

    [Fact]
    public async Task Status_ReadsAtMostTheLimit_OldestAcceptedFirst_AndCountsTheRestAsUnread()
    {
        await using var core = await CoreServices.StartAsync(azurite, new Dictionary<string, string?> { ["Operations:StatusRowReads"] = "2" });
        var intake = core.Get<PaymentIntakeService>();
        var now = DateTimeOffset.UtcNow;
        var oldest = Rows.Card(acceptedAt: now.AddMinutes(-30));
        foreach (var row in new[] { Rows.Card(acceptedAt: now.AddMinutes(-1)), oldest, Rows.Card(acceptedAt: now.AddMinutes(-10)) })
        {
            Assert.True((await intake.RecordAsync(row.ToPayment(), CancellationToken.None)).Created);
        }

        var status = await core.Get<OpsStatusService>().GetAsync(CancellationToken.None);

        Assert.Equal(3, status.InFlight.Total);
        Assert.Equal(1, status.InFlight.Unread);
        Assert.Equal(2, status.InFlight.ByStatus[PaymentStatus.Accepted]);
        Assert.Equal(oldest.AcceptedAt, status.InFlight.OldestNotPostedAcceptedAt);
    }

    [Fact]
    public async Task Status_WithinTheLimit_LeavesOutPaymentsDoneMeanwhile()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var intake = core.Get<PaymentIntakeService>();
        var waiting = (await intake.RecordAsync(Rows.Card(acceptedAt: DateTimeOffset.UtcNow.AddMinutes(-2)).ToPayment(), CancellationToken.None)).Row;
        var done = (await intake.RecordAsync(Rows.Card(acceptedAt: DateTimeOffset.UtcNow.AddMinutes(-5)).ToPayment(), CancellationToken.None)).Row;
        var legacy = done.ToRow();
        legacy.DueAt = null; // as on a row written before DueAt was recorded: its entry stays until the reconciler's visit
        done = legacy.ToPayment();
        done.MoveTo(PaymentStatus.Declined);
        Assert.True(await core.Get<PaymentRepository>().TrySaveAsync(done, CancellationToken.None));
        Assert.Equal(2, (await core.Get<PaymentsDueIndex>().ListAllAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Count);

        var status = await core.Get<OpsStatusService>().GetAsync(CancellationToken.None);

        Assert.Equal((1, 0), (status.InFlight.Total, status.InFlight.Unread));
        Assert.Equal(waiting.AcceptedAt, status.InFlight.OldestNotPostedAcceptedAt);
    }
}
