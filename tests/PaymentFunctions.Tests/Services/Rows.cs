using System.Text.Json;
using PaymentIntake.Payments;
using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Queue;

namespace PaymentFunctions.Tests.Services;

/// <summary>Payment rows and messages as intake and batches would write them, for service tests.</summary>
internal static class Rows
{
    public static PaymentEntity Card(DateTimeOffset? acceptedAt = null, string status = PaymentStatus.Accepted, DateTimeOffset? replayedAt = null)
    {
        var at = acceptedAt ?? DateTimeOffset.UtcNow;
        return new PaymentEntity
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

    public static PaymentEntity Check(string? invoiceId, long amount = 45600, string currency = "usd") => new()
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

    public static async Task<PaymentEntity> InsertAsync(this CoreServices core, PaymentEntity row)
    {
        Assert.True(await core.Get<PaymentStore>().TryInsertAsync(row, CancellationToken.None));
        return row;
    }

    public static async Task<PaymentEntity> ReadAsync(this CoreServices core, string paymentId) =>
        await core.Get<PaymentStore>().GetAsync(paymentId, CancellationToken.None) ?? throw new InvalidOperationException($"No row {paymentId}.");

    /// <summary>Messages in a queue of the test (visible or not), as the queue reports them.</summary>
    public static async Task<int> QueueDepthAsync(this CoreServices core, string queue)
    {
        var client = new Azure.Storage.Queues.QueueClient(core.Storage, core.Prefix + queue);
        return await client.ExistsAsync() ? (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }

    public static string Message(string paymentId) => JsonSerializer.Serialize(new PaymentMessage(paymentId), PaymentMessage.JsonOptions);
}
