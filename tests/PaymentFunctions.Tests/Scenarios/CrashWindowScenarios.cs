using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Payments;
using Stripe;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>
/// A process that dies between two writes leaves storage as the first write left it. These tests build that state
/// directly, with no message on the queue, and let the reconciler and the poster recover.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class CrashWindowScenarios(AzuriteFixture azurite)
{
    [Fact]
    public async Task When_intake_crashed_between_the_row_insert_and_the_enqueue_Should_reconcile_and_post_once()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        var row = await system.InsertRowAsync(Guid.NewGuid().ToString());

        await system.WaitForStatusAsync(row.PaymentId, "posted", TimeSpan.FromSeconds(30));
        Assert.Equal(1, system.Emulator.State.ChargesFor(row.PaymentId));
    }

    [Fact]
    public async Task When_posting_crashed_between_the_create_and_the_row_update_and_the_key_expired_Should_leave_the_orphan_unconfirmed_and_charge_once()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var row = await system.InsertRowAsync(Guid.NewGuid().ToString(), status: PaymentStatus.Posting, updatedAgo: TimeSpan.FromMinutes(1));
        // The crashed attempt created an intent whose id never reached the row, and Stripe has forgotten its key since.
        var created = await system.StripeIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = row.Amount, Currency = row.Currency, PaymentMethod = row.PaymentMethodId, AllowedPaymentMethodTypes = ["card"], Metadata = new() { ["payment_id"] = row.PaymentId } },
            new RequestOptions { IdempotencyKey = "unrelated-to-our-key" });

        var posted = await system.WaitForStatusAsync(row.PaymentId, "posted", TimeSpan.FromSeconds(30));

        Assert.NotEqual(created.Id, posted.GetProperty("vendorReference").GetString());
        Assert.Equal("requires_confirmation", system.Emulator.State.FindPaymentIntent(created.Id)!.Status);
        Assert.Equal(1, system.Emulator.State.ChargesFor(row.PaymentId));
    }

    [Fact]
    public async Task When_posting_crashed_between_the_confirm_and_the_row_update_Should_read_the_intent_and_not_charge_again()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var key = Guid.NewGuid().ToString();
        var paymentId = PaymentId.Derive("test", key);
        var intent = await system.StripeIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 45600, Currency = "usd", PaymentMethod = "pm_card_visa", AllowedPaymentMethodTypes = ["card"], Metadata = new() { ["payment_id"] = paymentId } });
        await system.StripeIntents.ConfirmAsync(intent.Id);

        await system.InsertRowAsync(key, status: PaymentStatus.Posting, updatedAgo: TimeSpan.FromMinutes(1), vendorReference: intent.Id);

        var posted = await system.WaitForStatusAsync(paymentId, "posted", TimeSpan.FromSeconds(30));
        Assert.Equal(intent.Id, posted.GetProperty("vendorReference").GetString());
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_a_payment_waits_for_a_scheduled_attempt_Should_not_be_enqueued_again_by_the_reconciler()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["LocalHost:QueuePump"] = "false",
            ["LocalHost:TimerTriggers"] = "false",
        });
        var row = await system.InsertRowAsync(Guid.NewGuid().ToString(), nextAttemptIn: TimeSpan.FromMinutes(5), dueAgo: TimeSpan.FromSeconds(1));
        var reconciler = system.Service<PaymentIntake.Reconciliation.PaymentReconciler>();

        var report = await reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(new PaymentIntake.Reconciliation.PaymentReconciler.Report(Examined: 1, Requeued: 0, Finished: 0, Deferred: 1, BehindBacklog: 0), report);
        Assert.False(await system.Queue("payments").ExistsAsync() && (await system.Queue("payments").GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
        Assert.Equal(PaymentStatus.Accepted, (await system.GetPaymentAsync(row.PaymentId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task When_a_payment_is_stuck_Should_be_enqueued_by_the_reconciler_and_its_entry_moved_on()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["LocalHost:QueuePump"] = "false",
            ["LocalHost:TimerTriggers"] = "false",
        });
        await system.InsertRowAsync(Guid.NewGuid().ToString(), status: PaymentStatus.Posting, updatedAgo: TimeSpan.FromMinutes(10), dueAgo: TimeSpan.FromSeconds(1));
        var reconciler = system.Service<PaymentIntake.Reconciliation.PaymentReconciler>();

        var first = await reconciler.RunAsync(CancellationToken.None);
        var second = await reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(1, first.Requeued);
        Assert.Equal(0, second.Examined);
        Assert.Equal(1, (await system.Queue("payments").GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task When_a_payment_waits_behind_a_backlog_Should_not_be_enqueued_again_until_the_backlog_has_moved_past_it()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["LocalHost:QueuePump"] = "false",
            ["LocalHost:TimerTriggers"] = "false",
            ["Posting:ReconcileAfter"] = "00:00:02",
        });
        var reconciler = system.Service<PaymentIntake.Reconciliation.PaymentReconciler>();
        var queue = system.Queue("payments");
        // Recorded in parallel, as a batch does: the row was written, and another payment's message sent seconds after it.
        var row = await system.InsertRowAsync(Guid.NewGuid().ToString(), updatedAgo: TimeSpan.FromSeconds(3), dueAgo: TimeSpan.Zero);
        await system.SendMessageAsync(PaymentId.Derive("test", "payment-recorded-alongside"));

        // The row makes no progress past its grace period while a message sent with it still heads the queue: a backlog.
        var behind = await Poll.UntilAsync(() => reconciler.RunAsync(CancellationToken.None), r => r.Requeued + r.BehindBacklog > 0, null, r => $"The payment never came due: {r}");
        Assert.Equal(1, behind.BehindBacklog);
        Assert.Equal(0, behind.Requeued);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // The backlog drains past it and its message never came: now it is lost, and enqueued again.
        var head = (await queue.ReceiveMessagesAsync(1)).Value.Single();
        await queue.DeleteMessageAsync(head.MessageId, head.PopReceipt);
        var requeued = await Poll.UntilAsync(() => reconciler.RunAsync(CancellationToken.None), r => r.Requeued + r.BehindBacklog > 0, TimeSpan.FromSeconds(30), r => $"The payment never came due again: {r}");
        Assert.Equal(1, requeued.Requeued);
        Assert.Equal(0, requeued.BehindBacklog);
        var message = (await queue.PeekMessagesAsync(1)).Value.Single();
        Assert.Contains(row.PaymentId, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())), StringComparison.Ordinal);
    }
}
