using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Payments;
using PaymentIntake.Reconciliation.Books;
using PaymentIntake.Storage;
using StripeEmulator;

namespace PaymentFunctions.Tests.Services;

/// <summary>The daily reconciliation's timer and a run that meets a Stripe outage; storage is the shared Azurite.</summary>
[Collection(EndToEnd.Name)]
public sealed class ReconciliationServiceTests(AzuriteFixture azurite)
{
    private static readonly Dictionary<string, string?> NewYork = new() { ["Deadlines:TimeZone"] = "America/New_York" };

    [Fact]
    public async Task TickAsync_OnceDailyAtHasPassedInTheExchangeZone_QueuesThePreviousLocalDayOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T06:30:00Z", System.Globalization.CultureInfo.InvariantCulture)); // 01:30 in New York
        await using var core = await CoreServices.StartAsync(azurite, NewYork, time);
        var service = core.Get<ReconciliationService>();

        var beforeTwo = await service.TickAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1)); // 02:30 in New York
        var afterTwo = await service.TickAsync(CancellationToken.None);
        var again = await service.TickAsync(CancellationToken.None);

        Assert.Equal(("daily_2026-12-05", "daily_2026-12-06", (string?)null), (beforeTwo, afterTwo, again));
        var report = (await service.GetAsync("daily_2026-12-06", CancellationToken.None))!;
        Assert.Equal(new ReconciliationWindow(DateTimeOffset.Parse("2026-12-06T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse("2026-12-07T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), report.Window);
        Assert.Equal(("daily", ReconciliationService.TimerActor, ReconciliationReport.Queued), (report.Trigger, report.RequestedBy, report.Status));
        Assert.Equal(2, await core.QueueDepthAsync(QueueNames.Reconciliations));
    }

    [Fact]
    public async Task TickAsync_WhenTheDailyRunIsOff_QueuesNothing()
    {
        await using var core = await CoreServices.StartAsync(azurite, new Dictionary<string, string?> { ["Reconciliation:Daily"] = "false" });

        Assert.Null(await core.Get<ReconciliationService>().TickAsync(CancellationToken.None));
        Assert.Empty(await core.Get<ReconciliationService>().ListAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_WhenStripeIsDown_RecordsTheFailure_AndTheNextTickRunsItAgainUntilItCompletes()
    {
        await using var core = await CoreServices.StartAsync(azurite, NewYork);
        var service = core.Get<ReconciliationService>();
        var id = (await service.TickAsync(CancellationToken.None))!;
        core.Emulator.State.SetFault(FaultMode.ServerError);

        var failed = await service.RunAsync(id, CancellationToken.None);
        var requeued = await service.TickAsync(CancellationToken.None);
        core.Emulator.State.SetFault(FaultMode.None);
        var complete = await service.RunAsync(id, CancellationToken.None);
        var duplicate = await service.RunAsync(id, CancellationToken.None);

        Assert.Equal((ReconciliationReport.Failed, 1), (failed!.Status, failed.Attempts));
        Assert.Contains("Stripe answered 500", failed.Error, StringComparison.Ordinal);
        Assert.Equal(id, requeued);
        Assert.Equal((ReconciliationReport.Complete, 2, 0), (complete!.Status, complete.Attempts, complete.Summary!.Mismatches));
        Assert.Equal((ReconciliationReport.Complete, 2), (duplicate!.Status, duplicate.Attempts));
    }

    [Fact]
    public async Task RunAsync_AChargeOfAPaymentInFlight_IsPending_AndALaterRunReportsItOnceThePaymentFailed()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var service = core.Get<ReconciliationService>();
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.Posting));
        var intents = new Stripe.PaymentIntentService(new Stripe.StripeClient("sk_test_core", apiBase: core.Emulator.BaseUrl.ToString().TrimEnd('/')));
        var intent = await intents.CreateAsync(new Stripe.PaymentIntentCreateOptions { Amount = row.Amount, Currency = row.Currency, PaymentMethod = "pm_card_visa", AllowedPaymentMethodTypes = ["card"], Metadata = new() { ["payment_id"] = row.PaymentId } });
        await intents.ConfirmAsync(intent.Id);
        var now = DateTimeOffset.UtcNow;

        var first = await RunAsync(service, now.AddMinutes(-1), now);
        var payment = await core.ReadAsync(row.PaymentId);
        payment.MoveTo(PaymentStatus.Failed);
        Assert.True(await core.Get<PaymentRepository>().TrySaveAsync(payment, CancellationToken.None));
        var later = await RunAsync(service, now.AddMinutes(-20), now.AddMinutes(-10)); // a window without the intent
        var after = await RunAsync(service, now.AddMinutes(-20), now.AddMinutes(-10));

        Assert.Equal((0, new PendingCharge(row.PaymentId, intent.Id)), (first.Summary!.Mismatches, Assert.Single(first.Pending)));
        var mismatch = Assert.Single(later.Mismatches);
        Assert.Equal((MismatchKinds.ChargedNotPosted, row.PaymentId, intent.Id), (mismatch.Kind, mismatch.PaymentId, mismatch.StripeObject));
        Assert.Equal((0, 0), (after.Summary!.Mismatches, after.Summary.Pending)); // judged once: no longer carried
    }

    private static async Task<ReconciliationReport> RunAsync(ReconciliationService service, DateTimeOffset from, DateTimeOffset to)
    {
        var requested = Assert.IsType<ReconciliationRequestResult.Accepted>(await service.RequestAsync(from, to, "test", CancellationToken.None));
        await service.RunAsync(requested.Report.ReconciliationId, CancellationToken.None);
        return (await service.GetAsync(requested.Report.ReconciliationId, CancellationToken.None))!;
    }
}
