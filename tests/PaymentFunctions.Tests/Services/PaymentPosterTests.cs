using Azure.Storage.Queues;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Payments;
using PaymentIntake.Posting;
using PaymentIntake.Posting.Circuit;
using PaymentIntake.Queue;
using PaymentIntake.Storage;
using StripeEmulator;

namespace PaymentFunctions.Tests.Services;

/// <summary>The poster alone, called with one message; storage and vendor are the only stand-ins.</summary>
[Collection(EndToEnd.Name)]
public sealed class PaymentPosterTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task PostAsync_VendorCharges_RecordsPostedOnceAndCountsIt()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var row = await core.InsertAsync(Rows.Card());

        await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);
        await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        var posted = await core.ReadAsync(row.PaymentId);
        Assert.Equal(PaymentStatus.Posted, posted.Status);
        Assert.NotNull(posted.PostedAt);
        Assert.StartsWith("pi_", posted.VendorReference, StringComparison.Ordinal);
        Assert.Equal(1, posted.Attempts);
        Assert.Equal(1, core.Emulator.State.ChargesFor(row.PaymentId));
        var counts = await core.Get<StatusCounters>().SumAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(1, counts[PaymentStatus.Posted]);
    }

    [Fact]
    public async Task PostAsync_Bug_PutsTheRowBackToAcceptedWithLastErrorAndRecordsTheFailure()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var row = await core.InsertAsync(Rows.Check(invoiceId: null)); // bad data: a check without its invoice
        var message = Rows.Message(row.PaymentId);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => core.Get<PaymentPoster>().PostAsync(message, CancellationToken.None));

        var after = await core.ReadAsync(row.PaymentId);
        Assert.Equal(PaymentStatus.Accepted, after.Status);
        Assert.Equal($"unexpected InvalidOperationException: {thrown.Message}", after.LastError);
        Assert.Equal(1, after.Attempts);
        var failure = await core.Get<MessageFailures>().TakeAsync(message, CancellationToken.None);
        Assert.Equal(("InvalidOperationException", 1), (failure!.Value.Failure.ExceptionType, failure.Value.Attempts));
    }

    [Fact]
    public async Task PostAsync_RowChangesWhileTheVendorCreates_StopsBeforeConfirmingAndChargesNothing()
    {
        CoreServices? core = null;
        string? paymentId = null;
        await using var started = core = await CoreServices.StartAsync(azurite, onVendorRequest: async request =>
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath == "/v1/payment_intents")
            {
                // Another writer changes the row while the create is on its way.
                var store = core!.Get<PaymentStore>();
                var current = (await store.GetAsync(paymentId!, CancellationToken.None))!;
                var changed = current.ToRow();
                changed.Description = "changed meanwhile";
                Assert.True(await store.TryReplaceAsync(changed.ToPayment(), CancellationToken.None));
            }
        });
        var row = await core.InsertAsync(Rows.Card());
        paymentId = row.PaymentId;

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None));

        Assert.Equal($"Payment {row.PaymentId} changed while it was being posted.", thrown.Message);
        var intent = Assert.Single(core.Emulator.State.PaymentIntentsFor(row.PaymentId));
        Assert.Equal("requires_confirmation", intent.Status);
        Assert.Equal(0, core.Emulator.State.ChargesFor(row.PaymentId));
        Assert.Equal("changed meanwhile", (await core.ReadAsync(row.PaymentId)).Description);
    }

    /// <summary>
    /// An attempt that hangs past its bound (a vendor request that never returns and ignores its timeout; the bound here
    /// is the steps' 9.4 s, longer than the 1 s lease): the
    /// delivery ends with <see cref="PostingStalledException"/> and gives the claim back, so the host's next delivery
    /// posts the payment at once — not the reconciler minutes later — and the request left behind charges nothing more.
    /// </summary>
    [Fact]
    public async Task PostAsync_AttemptHangsPastThePostingLease_HandsTheClaimBack_AndTheNextDeliveryPostsOnce()
    {
        var hung = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = 0;
        await using var core = await CoreServices.StartAsync(azurite, new Dictionary<string, string?> { ["Posting:PostingLease"] = "00:00:01", ["Stripe:RequestTimeout"] = "00:00:02" }, onVendorRequest: async request =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                await hung.Task; // deaf to every timeout: only the lease can end this attempt
            }
        });
        var row = await core.InsertAsync(Rows.Card());
        var poster = core.Get<PaymentPoster>();

        var stalled = await Assert.ThrowsAsync<PostingStalledException>(() => poster.PostAsync(Rows.Message(row.PaymentId), CancellationToken.None));
        var handedBack = await core.ReadAsync(row.PaymentId);
        await poster.PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);
        hung.SetResult(); // the request left behind goes on: same key, same intent

        Assert.Equal(row.PaymentId, stalled.PaymentId);
        Assert.Equal(PaymentStatus.Accepted, handedBack.Status);
        Assert.StartsWith("unexpected PostingStalledException", handedBack.LastError, StringComparison.Ordinal);
        Assert.Equal(PaymentStatus.Posted, (await core.ReadAsync(row.PaymentId)).Status);
        Assert.Equal(1, core.Emulator.State.ChargesFor(row.PaymentId));
    }

    [Fact]
    public async Task PostAsync_CircuitOpen_ParksForAboutTheBackoffCapWithoutCallingTheVendor()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        await core.Get<VendorCircuitStore>().RecordProbeFailureAsync(CancellationToken.None);
        var row = await core.InsertAsync(Rows.Card());
        var before = DateTimeOffset.UtcNow;

        await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        var parked = await core.ReadAsync(row.PaymentId);
        Assert.Equal(PaymentStatus.Accepted, parked.Status);
        Assert.Contains("circuit is open", parked.LastError, StringComparison.Ordinal);
        Assert.InRange(parked.NextAttemptAt!.Value - before, TimeSpan.FromMinutes(7.5), TimeSpan.FromMinutes(10.1));
        Assert.Equal(0, core.Emulator.State.Requests);
        Assert.Equal(1, await core.QueueDepthAsync(QueueNames.Payments));
        Assert.Empty((await new QueueClient(core.Storage, core.Prefix + QueueNames.Payments).ReceiveMessagesAsync(1)).Value);
    }

    /// <summary>
    /// Throttling is not an outage: more payments than the circuit's threshold, each answered 429, leave the circuit
    /// closed and the vendor up; each payment waits to be tried again.
    /// </summary>
    [Fact]
    public async Task PostAsync_ThrottledPastTheCircuitThreshold_KeepsTheCircuitClosedAndRetriesLater()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        core.Emulator.State.SetFault(FaultMode.RateLimit);
        var rows = new List<Payment>();
        for (var i = 0; i <= new PaymentIntake.Configuration.PostingOptions().CircuitFailureThreshold; i++)
        {
            rows.Add(await core.InsertAsync(Rows.Card()));
        }

        foreach (var row in rows)
        {
            await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);
        }

        Assert.Equal(CircuitState.Closed, (await core.Get<VendorCircuitStore>().GetAsync(CancellationToken.None)).State);
        foreach (var row in rows)
        {
            var waiting = await core.ReadAsync(row.PaymentId);
            Assert.Equal(PaymentStatus.Accepted, waiting.Status);
            Assert.NotNull(waiting.NextAttemptAt);
            Assert.Contains("throttled", waiting.LastError, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The action-required check goes through the vendor's one door: when its admission was the half-open probe, the
    /// answer it got closes the circuit (it used to leave the circuit half-open until the probe lease ran out).
    /// </summary>
    [Fact]
    public async Task PostAsync_ActionRequiredCheckTakesTheHalfOpenProbe_ItsAnswerClosesTheCircuit()
    {
        await using var core = await CoreServices.StartAsync(azurite, new Dictionary<string, string?> { ["Posting:CircuitBreakDuration"] = "00:00:00.200" });
        var intents = new Stripe.PaymentIntentService(new Stripe.StripeClient("sk_test_core", httpClient: new Stripe.SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: core.Emulator.BaseUrl.ToString().TrimEnd('/')));
        var row = Rows.Card(acceptedAt: DateTimeOffset.UtcNow.AddHours(-2), status: PaymentStatus.ActionRequired);
        var intent = await intents.CreateAsync(new Stripe.PaymentIntentCreateOptions
        {
            Amount = row.Amount,
            Currency = row.Currency,
            PaymentMethod = "pm_card_authenticationRequired",
            AllowedPaymentMethodTypes = ["card"],
            Confirm = true,
            Metadata = new() { ["payment_id"] = row.PaymentId },
        });
        row.VendorReference = intent.Id;
        await core.InsertAsync(row);
        var circuit = core.Get<VendorCircuitStore>();
        await circuit.RecordProbeFailureAsync(CancellationToken.None);
        await Poll.UntilAsync( // the break is over: the next admission is the probe
            async () => CircuitPolicy.Admit(await circuit.GetAsync(CancellationToken.None), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)),
            admission => admission is Admission.Probe,
            null,
            admission => $"still {admission}");

        await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        Assert.Equal("requires_action", intent.Status);
        Assert.Equal(PaymentStatus.ActionRequired, (await core.ReadAsync(row.PaymentId)).Status);
        Assert.Equal(CircuitState.Closed, (await circuit.GetAsync(CancellationToken.None)).State);
    }

    [Fact]
    public async Task PostAsync_VendorDownForAPaymentReplayedRecently_RetriesLaterEvenThoughAcceptedLongAgo()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        core.Emulator.State.SetFault(FaultMode.ServerError);
        var row = await core.InsertAsync(Rows.Card(acceptedAt: DateTimeOffset.UtcNow.AddDays(-4), replayedAt: DateTimeOffset.UtcNow.AddMinutes(-1)));

        await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        var waiting = await core.ReadAsync(row.PaymentId);
        Assert.Equal(PaymentStatus.Accepted, waiting.Status);
        Assert.NotNull(waiting.NextAttemptAt);
        Assert.Contains("500", waiting.LastError, StringComparison.Ordinal);
        Assert.Equal(0, await core.QueueDepthAsync(QueueNames.PaymentsPoison));
    }

    [Fact]
    public async Task PostAsync_VendorDownPastTheMaxAge_GivesUpToPoison()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        core.Emulator.State.SetFault(FaultMode.ServerError);
        var row = await core.InsertAsync(Rows.Card(acceptedAt: DateTimeOffset.UtcNow.AddDays(-4)));

        await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        var failed = await core.ReadAsync(row.PaymentId);
        Assert.Equal(PaymentStatus.Failed, failed.Status);
        Assert.StartsWith("vendor_unavailable: gave up after 3.00:00:00 since acceptance", failed.LastError, StringComparison.Ordinal);
        var poisoned = Assert.Single((await new QueueClient(core.Storage, core.Prefix + QueueNames.PaymentsPoison, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).ReceiveMessagesAsync(1)).Value);
        Assert.Equal(new PaymentMessage(row.PaymentId) { Reason = PoisonReasons.VendorUnavailable }, PaymentMessage.Parse(poisoned.MessageText));
    }

    private static async Task<Payment> WithIntentAsync(CoreServices core, DateTimeOffset acceptedAt)
    {
        var row = Rows.Card(acceptedAt: acceptedAt);
        var intents = new Stripe.PaymentIntentService(new Stripe.StripeClient("sk_test_core", httpClient: new Stripe.SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: core.Emulator.BaseUrl.ToString().TrimEnd('/')));
        var intent = await intents.CreateAsync(new Stripe.PaymentIntentCreateOptions
        {
            Amount = row.Amount,
            Currency = row.Currency,
            PaymentMethod = row.PaymentMethodId,
            AllowedPaymentMethodTypes = ["card"],
            Metadata = new() { ["payment_id"] = row.PaymentId },
        });
        row.VendorReference = intent.Id;
        row.Attempts = 3;
        return await core.InsertAsync(row);
    }

    [Fact]
    public async Task PostAsync_GivingUpOnAPaymentWithAnIntent_CancelsTheIntentFirst()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var row = await WithIntentAsync(core, DateTimeOffset.UtcNow.AddDays(-4));
        core.Emulator.State.SetFault(FaultMode.ServerError, pathEndsWith: "/confirm");

        await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        Assert.Equal(PaymentStatus.Failed, (await core.ReadAsync(row.PaymentId)).Status);
        var intent = core.Emulator.State.FindPaymentIntent(row.VendorReference!)!;
        Assert.Equal(("canceled", "abandoned"), (intent.Status, intent.CancellationReason));
        Assert.Equal(1, await core.QueueDepthAsync(QueueNames.PaymentsPoison));
    }

    [Fact]
    public async Task PostAsync_GivingUpWhileTheVendorCannotCancel_WaitsAndStaysAccepted()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var row = await WithIntentAsync(core, DateTimeOffset.UtcNow.AddDays(-4));
        core.Emulator.State.SetFault(FaultMode.ServerError);

        await core.Get<PaymentPoster>().PostAsync(Rows.Message(row.PaymentId), CancellationToken.None);

        var waiting = await core.ReadAsync(row.PaymentId);
        Assert.Equal(PaymentStatus.Accepted, waiting.Status);
        Assert.StartsWith("giving up once its PaymentIntent is canceled", waiting.LastError, StringComparison.Ordinal);
        Assert.NotNull(waiting.NextAttemptAt);
        Assert.Equal("requires_confirmation", core.Emulator.State.FindPaymentIntent(row.VendorReference!)!.Status);
        Assert.Equal(0, await core.QueueDepthAsync(QueueNames.PaymentsPoison));
    }
}
