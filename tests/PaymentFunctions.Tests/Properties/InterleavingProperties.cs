using System.Text;
using CsCheck;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Configuration;
using PaymentIntake.Intake;
using PaymentIntake.Operations;
using PaymentIntake.Payments;
using PaymentIntake.Posting;
using PaymentIntake.Posting.Takeover;
using PaymentIntake.Reconciliation;
using PaymentIntake.Storage;
using PaymentIntake.Webhooks;
using StripeEmulator;
using Xunit.Abstractions;

namespace PaymentFunctions.Tests.Properties;

/// <summary>
/// Issue 13's interleaving property: whatever order duplicate submissions, duplicate deliveries, webhooks (late,
/// twice, out of order), reconciler runs, takeovers of instances taken for dead (issue 24), poisoning, replays and clock jumps come in — and whichever of them dies or
/// stalls at any call to storage or the vendor — once the system is left to run (the client retries its submission,
/// the reconciler and the queue do their work, every event is delivered) the payment is charged at most once, ends in
/// a final status, and is <c>posted</c> exactly when it was charged. Each operation runs in an instance of its own
/// (<see cref="CrashableInstance"/>): a crash loses exactly what a dead process loses; a stall lets the next operation
/// run in between. Storage is Azurite, the vendor the Stripe emulator over HTTP; only the clock jumps.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class InterleavingProperties(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Caller = "prop-intake";

    /// <summary>One generated operation and the fault of the instance that runs it.</summary>
    internal sealed record Step(string Op, FaultKind Fault, int At, int Arg, bool AtVendorCall = false)
    {
        public override string ToString() => Fault == FaultKind.None ? $"{Op}({Arg})" : $"{Op}({Arg}) {Fault}@{(AtVendorCall ? "vendor call " : "")}{At}";
    }

    private static readonly Gen<Step> Steps = Gen.Select(
        Gen.Frequency((4, "deliver"), (2, "submit"), (2, "webhook"), (1, "reconcile"), (1, "takeover"), (2, "poison"), (2, "replay"), (2, "advance")),
        Gen.Frequency((4, FaultKind.None), (2, FaultKind.CrashBefore), (2, FaultKind.CrashAfter), (2, FaultKind.Pause)),
        Gen.Bool,
        Gen.Int[1, 24], // a delivery makes about 22 calls (tables, rate share, circuit, row, vendor), 2 to 4 of them to the vendor
        Gen.Int[0, 20],
        (op, fault, vendor, at, arg) => new Step(op, fault, vendor ? 1 + (at % 4) : at, arg, vendor));

    [Fact]
    public async Task AnyInterleaving_WithCrashesAndStalls_ChargesAtMostOnce_AndEndsPostedExactlyWhenCharged()
    {
        await using var emulator = await StripeEmulatorServer.StartAsync();
        emulator.State.Limits.Lift();
        emulator.State.KeepEvents = true;
        var cases = 0;
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var struck = new Dictionary<FaultKind, int>();

        await Gen.Select(Gen.Bool, Steps.Array[3, 12]).SampleAsync(async (declined, steps) =>
        {
            var (status, faults) = await RunCaseAsync(emulator, declined, steps);
            cases++;
            outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
            foreach (var kind in faults)
            {
                struck[kind] = struck.GetValueOrDefault(kind) + 1;
            }
        }, iter: Cases, threads: 1);

        output.WriteLine($"{cases} cases; final statuses: {string.Join(", ", outcomes.Select(o => $"{o.Key} × {o.Value}"))}; faults that struck: {string.Join(", ", struck.Select(s => $"{s.Key} × {s.Value}"))}");

        // The run reached what it claims to cover: both ends of the card, and each kind of fault striking mid-operation
        // (about 10 of each kind strike in 60 cases; none at all would be a generator that no longer reaches the calls).
        Assert.Equal(Cases, cases);
        Assert.Contains(PaymentStatus.Posted, outcomes.Keys);
        Assert.True(outcomes.Keys.Count > 1, "only one outcome: " + string.Join(", ", outcomes));
        Assert.All(new[] { FaultKind.CrashBefore, FaultKind.CrashAfter, FaultKind.Pause }, kind => Assert.True(struck.GetValueOrDefault(kind) >= 1, $"{kind} struck {struck.GetValueOrDefault(kind)} times"));
    }

    private const int Cases = 60;

    /// <summary>
    /// The crash windows one by one, in two orders: a payment submitted, delivered twice and poisoned by the host
    /// meanwhile (left so, the webhooks must tell the truth); and one posted, poisoned, told by a webhook, replayed,
    /// reconciled and delivered again. One fault at each call of each step in turn (dies right after the call, or
    /// stalls there while the next step runs) until the step ends before the call. Dying before a call is dying after
    /// the one before it, so it needs no run of its own. Random schedules above find orders; this visits every await
    /// of these two.
    /// </summary>
    [Theory]
    [InlineData("submit deliver deliver poison", FaultKind.CrashAfter)]
    [InlineData("submit deliver deliver poison", FaultKind.Pause)]
    [InlineData("submit deliver poison webhook replay reconcile deliver", FaultKind.CrashAfter)]
    [InlineData("submit deliver poison webhook replay reconcile deliver", FaultKind.Pause)]
    [InlineData("submit deliver takeover", FaultKind.Pause)]
    public async Task EveryCallOfAnOrder_FaultedInTurn_ChargesAtMostOnce_AndEndsPostedExactlyWhenCharged(string steps, FaultKind kind)
    {
        await using var emulator = await StripeEmulatorServer.StartAsync();
        emulator.State.Limits.Lift();
        emulator.State.KeepEvents = true;
        var order = steps.Split(' ');
        var faulted = new List<string>();
        for (var step = 0; step < order.Length; step++)
        {
            for (var call = 1; ; call++)
            {
                var schedule = order.Select((op, i) => new Step(op, i == step ? kind : FaultKind.None, call, 0)).ToArray();
                var (_, struck) = await RunCaseAsync(emulator, declined: false, schedule);
                if (struck.Count == 0)
                {
                    break; // the step made fewer calls: every one of its calls was faulted
                }

                faulted.Add($"{order[step]}@{call}");
            }
        }

        output.WriteLine($"{kind}: {faulted.Count} faulted calls: {string.Join(", ", faulted)}");
        Assert.Contains("deliver@1", faulted);
        Assert.True(faulted.Count(f => f.StartsWith("deliver@", StringComparison.Ordinal)) >= 6, "a delivery makes the most calls: " + string.Join(", ", faulted));
    }

    private async Task<(string Status, List<FaultKind> Struck)> RunCaseAsync(StripeEmulatorServer emulator, bool declined, Step[] steps)
    {
        var prefix = TestStorage.NewPrefix();
        var settings = CoreServices.Settings(azurite.ConnectionString, emulator, prefix);
        settings["Posting:PostingLease"] = "00:02:00"; // longer than a takeover's jump: a claim ends by its heartbeat, not its lease
        var clock = new JumpingClock();
        var key = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes($$"""{"memberId":"M-1001","amount":4560,"currency":"usd","paymentMethodId":"{{(declined ? "pm_card_chargeDeclined" : "pm_card_visa")}}"}""");
        var paymentId = new PaymentIds(Microsoft.Extensions.Options.Options.Create(new PaymentIntakeOptions { IdSecret = settings["PaymentIntake:IdSecret"]! })).ForCard(Caller, key);

        var message = $$"""{"paymentId":"{{paymentId}}"}""";

        async Task RunAsync(Step step, InstanceFault fault)
        {
            await using var instance = CrashableInstance.Start(settings, clock, fault);
            try
            {
                switch (step.Op)
                {
                    case "submit":
                        await instance.Get<PaymentIntakeService>().SubmitAsync(Caller, key, body, CancellationToken.None);
                        break;
                    case "deliver":
                        await instance.Get<PaymentPoster>().PostAsync(message, CancellationToken.None);
                        break;
                    case "webhook":
                        var events = emulator.State.EventsFor(paymentId);
                        if (events.Count > 0)
                        {
                            await DeliverAsync(instance, events[step.Arg % events.Count]);
                        }

                        break;
                    case "reconcile":
                        await instance.Get<PaymentReconciler>().RunAsync(CancellationToken.None);
                        break;
                    case "takeover":
                        // The others take the instances silent past the takeover age (within the posting lease) for
                        // dead: their payments are sent again and delivered, while a stalled one may still be posting.
                        clock.Jump(InstanceHeartbeat.TakeoverAge(instance.Get<Microsoft.Extensions.Options.IOptions<PostingOptions>>().Value) + TimeSpan.FromSeconds(1));
                        await instance.Get<ClaimTakeover>().RunAsync(CancellationToken.None);
                        await instance.Get<PaymentPoster>().PostAsync(message, CancellationToken.None);
                        break;
                    case "poison":
                        await instance.Get<PoisonService>().RecordAsync(message, CancellationToken.None);
                        break;
                    case "replay":
                        await instance.Get<PoisonService>().ReplayAsync(new ReplayRequest(null, null, All: true, DryRun: false), "prop-ops", CancellationToken.None);
                        break;
                    case "advance":
                        clock.Jump(TimeSpan.FromMinutes(step.Arg));
                        break;
                }
            }
#pragma warning disable CA1031 // an operation may fail (a crash, a payment not there yet, a lost race): what matters is what it left behind
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        var struck = new List<FaultKind>();
        InstanceFault FaultOf(Step step) => step.Fault == FaultKind.None ? InstanceFault.Healthy : new InstanceFault(step.Fault, step.At, step.AtVendorCall);

        try
        {
            // The schedule: each step in an instance of its own; a stalled step lets the next one run in between.
            for (var i = 0; i < steps.Length; i++)
            {
                var fault = FaultOf(steps[i]);
                var running = RunAsync(steps[i], fault);
                if (fault.Kind == FaultKind.Pause && i + 1 < steps.Length && await Task.WhenAny(running, fault.Paused) != running)
                {
                    i++;
                    await RunAsync(steps[i], steps[i].Fault == FaultKind.Pause ? InstanceFault.Healthy : FaultOf(steps[i]));
                }

                fault.Resume();
                await running;
                if (fault.Struck)
                {
                    struck.Add(fault.Kind);
                }
            }

            return (await DrainAndCheckAsync(emulator, settings, clock, key, body, paymentId, message, steps), struck);
        }
        finally
        {
            await TestStorage.DeleteAsync(azurite.ConnectionString, prefix);
        }
    }

    /// <summary>
    /// Lets the system run with nothing failing: the client's retry of its submission, then rounds of clock, reconciler,
    /// queue and every event Stripe sent, until the payment's status is final and a whole round changed nothing.
    /// </summary>
    private static async Task<string> DrainAndCheckAsync(
        StripeEmulatorServer emulator, Dictionary<string, string?> settings, JumpingClock clock, string key, byte[] body, string paymentId, string message, Step[] steps)
    {
        var errors = new List<string>();
        string? last = null;
        for (var round = 0; round < 12; round++)
        {
            await using var instance = CrashableInstance.Start(settings, clock, InstanceFault.Healthy);
            if (round == 0)
            {
                var answer = await instance.Get<PaymentIntakeService>().SubmitAsync(Caller, key, body, CancellationToken.None);
                Assert.IsType<IntakeResult.Accepted>(answer);
            }

            clock.Jump(instance.Get<Microsoft.Extensions.Options.IOptions<PostingOptions>>().Value.ReconcileAfter + TimeSpan.FromMinutes(1));
            await instance.Get<PaymentReconciler>().RunAsync(CancellationToken.None);
            await instance.Get<ClaimTakeover>().RunAsync(CancellationToken.None);
            var queue = instance.Get<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(instance.Get<StorageNames>().PaymentsQueue);
            var received = await queue.ExistsAsync() ? (await queue.ReceiveMessagesAsync(32)).Value : [];
            foreach (var m in received)
            {
                try
                {
                    await instance.Get<PaymentPoster>().PostAsync(m.Body.ToString(), CancellationToken.None);
                }
#pragma warning disable CA1031 // reported below: nothing may fail once nothing is injected
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    errors.Add($"round {round}: {ex.GetType().Name}: {ex.Message}");
                }

                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }

            foreach (var e in emulator.State.EventsFor(paymentId))
            {
                await DeliverAsync(instance, e);
            }

            var row = await instance.Get<PaymentStore>().GetAsync(paymentId, CancellationToken.None);
            if (row is not null && !PaymentStatus.IsInFlight(row.Status) && row.Status == last && received.Length == 0)
            {
                break;
            }

            last = row?.Status;
        }

        await using var reader = CrashableInstance.Start(settings, clock, InstanceFault.Healthy);
        var final = await reader.Get<PaymentStore>().GetAsync(paymentId, CancellationToken.None);
        var charges = emulator.State.ChargesFor(paymentId);
        var charged = emulator.State.PaymentIntentsFor(paymentId).Where(pi => pi.SucceededCharges > 0).Select(pi => pi.Id).ToList();
        var story = $"steps [{string.Join(", ", steps.Select(s => s.ToString()))}]; status {final?.Status ?? "no row"}, charges {charges}, vendorReference {final?.VendorReference}, lastError {final?.LastError}; drain errors: {string.Join(" | ", errors)}";
        Assert.True(final is not null, story);
        Assert.True(charges <= 1, "charged more than once: " + story);
        Assert.True(!PaymentStatus.IsInFlight(final!.Status), "not final: " + story);
        Assert.True((charges == 1) == (final.Status == PaymentStatus.Posted), "posted and charged disagree: " + story);
        Assert.True(final.Status != PaymentStatus.Posted || charged.SequenceEqual([final.VendorReference]), "posted with another intent than the charged one: " + story);
        Assert.True(errors.Count == 0, "posting failed with nothing injected: " + story);

        // The history holds exactly the moves the row made, whatever crashed where: numbered 1…Moves without a gap,
        // each from where the one before went, the first the recording, the last where the row stands.
        var history = await reader.Get<PaymentStore>().GetHistoryAsync(paymentId, CancellationToken.None);
        var moves = string.Join(" ", history.Select(m => $"{m.Sequence}:{m.From ?? "-"}>{m.To}({m.Cause})"));
        Assert.True(history.Select(m => m.Sequence).SequenceEqual(Enumerable.Range(1, final.Moves)), $"history {moves} against {final.Moves} moves: " + story);
        Assert.True(history[0] is { From: null, To: PaymentStatus.Accepted, Cause: MoveCauses.Accepted }, $"history {moves}: " + story);
        Assert.True(history.Zip(history.Skip(1)).All(p => p.Second.From == p.First.To), $"history {moves} skips a status: " + story);
        Assert.True(history[^1].To == final.Status, $"history {moves} ends elsewhere than {final.Status}: " + story);
        Assert.True(final.Status != PaymentStatus.Posted || history.Count(m => m.To == PaymentStatus.Posted) == 1, $"history {moves} posts more than once: " + story);
        return final.Status;
    }

    private static async Task DeliverAsync(CrashableInstance instance, string payload) =>
        await instance.Get<StripeWebhookHandler>().HandleAsync(
            payload,
            Stripe.EventUtility.GenerateSignatureHeader(payload, instance.Get<Microsoft.Extensions.Options.IOptions<StripeOptions>>().Value.WebhookSecret!, instance.Get<TimeProvider>().GetUtcNow().ToUnixTimeSeconds()),
            CancellationToken.None);
}
