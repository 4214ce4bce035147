using System.Text.Json;
using PaymentIntake.Payments;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Queue;

namespace PaymentFunctions.Tests.Services;

/// <summary>Payment rows (in any state, as storage holds them) and messages as intake and batches would write them, for service tests.</summary>
internal static class Rows
{
    public static PaymentRow Card(DateTimeOffset? acceptedAt = null, string status = PaymentStatus.Accepted, DateTimeOffset? replayedAt = null)
    {
        var at = acceptedAt ?? DateTimeOffset.UtcNow;
        return new PaymentRow
        {
            PartitionKey = PaymentId.Derive("test", Guid.NewGuid().ToString()),
            MemberId = "M-1001",
            Amount = 45600,
            Currency = "usd",
            PaymentMethodId = "pm_card_visa",
            RequestHash = "test",
            Status = status,
            AcceptedAt = at,
            UpdatedAt = at,
            ReplayedAt = replayedAt,
        };
    }

    public static PaymentRow Check(string? invoiceId, long amount = 45600, string currency = "usd") => new()
    {
        PartitionKey = PaymentId.Derive("test", "check:M-1001:" + Guid.NewGuid().ToString("N")[..8]),
        Kind = PaymentKinds.Check,
        MemberId = "M-1001",
        Amount = amount,
        Currency = currency,
        InvoiceId = invoiceId,
        CheckNumber = "1001",
        ReceivedDate = "2026-11-27",
        RequestHash = "test",
        AcceptedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    public static async Task<Payment> InsertAsync(this CoreServices core, PaymentRow row)
    {
        var payment = row.ToPayment();
        Assert.True(await core.Get<PaymentStore>().TryInsertAsync(payment, CancellationToken.None));
        return payment;
    }

    public static async Task<Payment> ReadAsync(this CoreServices core, string paymentId) =>
        await core.Get<PaymentStore>().GetAsync(paymentId, CancellationToken.None) ?? throw new InvalidOperationException($"No row {paymentId}.");

    /// <summary>Moves a payment to <paramref name="to"/> by the method that makes that move.</summary>
    public static void MoveTo(this Payment payment, string to)
    {
        switch (to)
        {
            case PaymentStatus.Accepted when payment.Status == PaymentStatus.Failed:
                payment.Reopen(DateTimeOffset.UtcNow.AddMinutes(5), DateTimeOffset.UtcNow, "operator:test");
                break;
            case PaymentStatus.Accepted:
                payment.Park(DateTimeOffset.UtcNow.AddMinutes(1), "waiting for the vendor", MoveCauses.RetryLater, "test-instance");
                break;
            case PaymentStatus.Posting:
                payment.Claim("test-instance");
                break;
            case PaymentStatus.Posted:
                payment.Settle(new PostingOutcome.Posted("pi_test"), MoveCauses.VendorAnswer, "test-instance");
                break;
            case PaymentStatus.Declined:
                payment.Settle(new PostingOutcome.Declined("pi_test", "card_declined", "Declined."), MoveCauses.VendorAnswer, "test-instance");
                break;
            case PaymentStatus.ActionRequired:
                payment.Settle(new PostingOutcome.ActionRequired("pi_test", null), MoveCauses.VendorAnswer, "test-instance");
                break;
            default:
                payment.GiveUp("given up", MoveCauses.GaveUp, "test-instance");
                break;
        }
    }

    /// <summary>Messages in a queue of the test (visible or not), as the queue reports them.</summary>
    public static async Task<int> QueueDepthAsync(this CoreServices core, string queue)
    {
        var client = new Azure.Storage.Queues.QueueClient(core.Storage, core.Prefix + queue);
        return await client.ExistsAsync() ? (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }

    public static string Message(string paymentId) => JsonSerializer.Serialize(new PaymentMessage(paymentId), PaymentMessage.JsonOptions);
}
