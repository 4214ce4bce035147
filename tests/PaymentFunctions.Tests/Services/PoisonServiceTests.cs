using Azure.Storage.Queues;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Operations;
using PaymentIntake.Payments;
using PaymentIntake.Storage;

namespace PaymentFunctions.Tests.Services;

/// <summary>The poison service alone: recording and replaying, against the shared Azurite.</summary>
[Collection(EndToEnd.Name)]
public sealed class PoisonServiceTests(AzuriteFixture azurite)
{
    private static QueueClient Payments(CoreServices core) =>
        new(core.Storage, core.Prefix + QueueNames.Payments, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    [Fact]
    public async Task SweepAsync_Base64AndRawMessages_RecordsEachOnceAndEmptiesTheQueue()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var raw = new QueueClient(core.Storage, core.Prefix + QueueNames.PaymentsPoison);
        await raw.CreateIfNotExistsAsync();
        await raw.SendMessageAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("a base64 message")));
        await raw.SendMessageAsync("%% not base64 %%");
        var sweep = core.Get<PoisonQueueSweep>();

        var first = await sweep.SweepAsync(CancellationToken.None);
        var second = await sweep.SweepAsync(CancellationToken.None);

        Assert.Equal((2, 0), (first, second));
        var records = (await core.Get<PoisonService>().ListAsync(10, null, CancellationToken.None)).Messages;
        Assert.Equal(["%% not base64 %%:undecodable", "a base64 message:max_dequeue_count"], records.Select(r => $"{r.Body}:{r.Reason}").Order(StringComparer.Ordinal));
        Assert.Equal(0, (await raw.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task SweepAsync_NoPoisonQueueYet_RecordsNothing()
    {
        await using var core = await CoreServices.StartAsync(azurite);

        Assert.Equal(0, await core.Get<PoisonQueueSweep>().SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReplayAsync_MessageNamingNoPayment_PutsTheBodyBackAsItWas()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var poison = core.Get<PoisonService>();
        var record = await poison.RecordAsync("not a payment message", CancellationToken.None);

        var result = await poison.ReplayAsync(new ReplayRequest([record.Id], null, false, false), "ops", CancellationToken.None);

        Assert.Null(record.PaymentId);
        Assert.Equal([record.Id], result.Replayed);
        Assert.Equal("not a payment message", Assert.Single((await Payments(core).ReceiveMessagesAsync(1)).Value).MessageText);
        Assert.Null(await poison.GetAsync(record.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ReplayAsync_FinalPayments_AreSkippedAndOnlyThePostedRecordIsRemoved()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var poison = core.Get<PoisonService>();
        var records = new Dictionary<string, PoisonRecord>();
        foreach (var status in new[] { PaymentStatus.Posted, PaymentStatus.Declined, PaymentStatus.ActionRequired })
        {
            var row = await core.InsertAsync(Rows.Card(status: status));
            records[status] = await poison.RecordAsync(Rows.Message(row.PaymentId), CancellationToken.None);
        }

        var result = await poison.ReplayAsync(new ReplayRequest(null, null, true, false), "ops", CancellationToken.None);

        Assert.Empty(result.Replayed);
        Assert.Equal(
            ["the payment is already posted", "the payment was declined (a final answer)", "the payment waits for the member to authenticate"],
            new[] { PaymentStatus.Posted, PaymentStatus.Declined, PaymentStatus.ActionRequired }.Select(s => result.Skipped.Single(k => k.Id == records[s].Id).Reason));
        Assert.Null(await poison.GetAsync(records[PaymentStatus.Posted].Id, CancellationToken.None));
        Assert.NotNull(await poison.GetAsync(records[PaymentStatus.Declined].Id, CancellationToken.None));
        Assert.NotNull(await poison.GetAsync(records[PaymentStatus.ActionRequired].Id, CancellationToken.None));
        Assert.Equal(0, await core.QueueDepthAsync(QueueNames.Payments));
    }

    [Fact]
    public async Task ReplayAsync_PaymentPoisonedWhilePosting_WasFailedAndIsReopenedWithTheReplayCounted()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var poison = core.Get<PoisonService>();
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.Posting));
        var record = await poison.RecordAsync(Rows.Message(row.PaymentId), CancellationToken.None);
        var failed = await core.ReadAsync(row.PaymentId);

        var result = await poison.ReplayAsync(new ReplayRequest(null, record.Fingerprint, false, false), "ops", CancellationToken.None);

        Assert.Equal(PaymentStatus.Failed, failed.Status);
        Assert.StartsWith("poisoned after", failed.LastError, StringComparison.Ordinal);
        Assert.Equal([record.Id], result.Replayed);
        var reopened = await core.ReadAsync(row.PaymentId);
        Assert.Equal((PaymentStatus.Accepted, 1), (reopened.Status, reopened.ReplayCount));
        Assert.NotNull(reopened.ReplayedAt);
        Assert.Contains(row.PaymentId, Assert.Single((await Payments(core).ReceiveMessagesAsync(1)).Value).MessageText, StringComparison.Ordinal);
    }

    /// <summary>
    /// Posting gave up (the vendor stayed down past the maximum age): its poison message can be recorded before its
    /// own save of the failed row lands. The recorder fails the row for posting's reason, never as failed deliveries.
    /// </summary>
    [Fact]
    public async Task RecordAsync_PostingGaveUpAndTheRowIsNotSavedYet_FailsItForPostingsReason()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.Posting));
        var body = System.Text.Json.JsonSerializer.Serialize(new PaymentIntake.Queue.PaymentMessage(row.PaymentId) { Reason = PaymentIntake.Queue.PoisonReasons.VendorUnavailable }, PaymentIntake.Queue.PaymentMessage.JsonOptions);

        var record = await core.Get<PoisonService>().RecordAsync(body, CancellationToken.None);
        var failed = await core.ReadAsync(row.PaymentId);

        Assert.Equal((PaymentIntake.Queue.PoisonReasons.VendorUnavailable, PaymentStatus.Failed), (record.Reason, failed.Status));
        Assert.StartsWith("vendor_unavailable: posting gave up", failed.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayAsync_DryRun_ChangesNothingButAudits()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var poison = core.Get<PoisonService>();
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.Failed));
        var record = await poison.RecordAsync(Rows.Message(row.PaymentId), CancellationToken.None);
        var before = DateTimeOffset.UtcNow;

        var result = await poison.ReplayAsync(new ReplayRequest(null, null, true, true), "ops", CancellationToken.None);

        Assert.Equal([record.Id], result.Replayed);
        Assert.Equal(PaymentStatus.Failed, (await core.ReadAsync(row.PaymentId)).Status);
        Assert.NotNull(await poison.GetAsync(record.Id, CancellationToken.None));
        Assert.Equal(0, await core.QueueDepthAsync(QueueNames.Payments));
        var audit = await AuditReader.SinceAsync(core.Get<AuditLog>(), before);
        Assert.Equal(("ops", "poison.replay.dry_run", 1), (audit.Single().Who, audit.Single().Action, audit.Single().Count));
    }

    [Fact]
    public async Task ReplayAsync_PaymentBackInFlight_IsSkippedWithTheReason()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var poison = core.Get<PoisonService>();
        var row = await core.InsertAsync(Rows.Card(status: PaymentStatus.Posting));
        var record = await poison.RecordAsync(Rows.Message(row.PaymentId), CancellationToken.None);
        var failed = await core.ReadAsync(row.PaymentId);
        failed.MoveTo(PaymentStatus.Accepted); // replayed meanwhile
        Assert.True(await core.Get<PaymentRepository>().TrySaveAsync(failed, CancellationToken.None));

        var result = await poison.ReplayAsync(new ReplayRequest([record.Id], null, false, false), "ops", CancellationToken.None);

        Assert.Empty(result.Replayed);
        Assert.Equal("the payment is in flight (status accepted); only a failed payment is replayed", Assert.Single(result.Skipped).Reason);
        Assert.Equal(0, await core.QueueDepthAsync(QueueNames.Payments));
    }

    [Fact]
    public async Task ReplayAsync_FailedPaymentWhoseInvoiceAnotherPaymentSettled_IsSkippedWithTheReason()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var poison = core.Get<PoisonService>();
        var check = Rows.Check("in_settled");
        check.Status = PaymentStatus.Failed;
        await core.InsertAsync(check);
        await core.Get<PaymentIntake.Posting.Vendor.InvoiceClaims>().ClaimAsync("in_settled", "pay_11111111111111111111111111111111", CancellationToken.None);
        var record = await poison.RecordAsync(Rows.Message(check.PaymentId), CancellationToken.None);

        var result = await poison.ReplayAsync(new ReplayRequest([record.Id], null, false, false), "ops", CancellationToken.None);

        Assert.Equal("invoice in_settled is settled by payment pay_11111111111111111111111111111111", Assert.Single(result.Skipped).Reason);
        Assert.Equal(PaymentStatus.Failed, (await core.ReadAsync(check.PaymentId)).Status);
    }

    [Fact]
    public async Task ReplayAsync_FailedPaymentWhoseIntentWasCanceled_IsSkipped()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var intents = new Stripe.PaymentIntentService(new Stripe.StripeClient("sk_test_core", httpClient: new Stripe.SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: core.Emulator.BaseUrl.ToString().TrimEnd('/')));
        var intent = await intents.CreateAsync(new Stripe.PaymentIntentCreateOptions { Amount = 45600, Currency = "usd", PaymentMethod = "pm_card_visa", AllowedPaymentMethodTypes = ["card"] });
        await intents.CancelAsync(intent.Id);
        var row = Rows.Card(status: PaymentStatus.Failed);
        row.VendorReference = intent.Id;
        await core.InsertAsync(row);
        var record = await core.Get<PoisonService>().RecordAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        var result = await core.Get<PoisonService>().ReplayAsync(new ReplayRequest([record.Id], null, false, false), "ops", CancellationToken.None);

        Assert.Contains("is canceled and can never be confirmed", Assert.Single(result.Skipped).Reason, StringComparison.Ordinal);
    }
}
