using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Storage;

namespace PaymentIntake.Payments;

/// <summary>
/// Intake: validate, record durably with the time of acceptance, queue for posting. Never calls the vendor,
/// so it keeps working while the vendor is down.
/// </summary>
public sealed class PaymentIntakeService(
    PaymentStore store,
    PaymentQueue queue,
    PaymentsDueIndex due,
    IOptions<PostingOptions> options,
    TimeProvider time,
    ILogger<PaymentIntakeService> logger)
{
    /// <summary>Accepts a payment: <c>POST /api/payments</c>.</summary>
    public async Task<IntakeResult> SubmitAsync(string? idempotencyKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var keyError = PaymentValidator.ValidateIdempotencyKey(idempotencyKey);
        var (request, errors) = PaymentValidator.Validate(body.Span);
        if (keyError is not null)
        {
            var all = new Dictionary<string, string[]>(errors ?? new Dictionary<string, string[]>(), StringComparer.Ordinal)
            {
                ["Idempotency-Key"] = [keyError],
            };
            return new IntakeResult.Invalid(all);
        }

        if (errors is not null)
        {
            return new IntakeResult.Invalid(errors);
        }

        var paymentId = PaymentId.FromIdempotencyKey(idempotencyKey!);
        var row = NewRow(paymentId, request!, time.GetUtcNow());
        // The due-index entry lets the reconciler find the payment if we crash before the enqueue; written alongside the row.
        var inserted = store.TryInsertAsync(row, cancellationToken);
        await Task.WhenAll(inserted, due.AddAsync(paymentId, row.AcceptedAt + options.Value.ReconcileAfter, cancellationToken)).ConfigureAwait(false);
        if (await inserted.ConfigureAwait(false))
        {
            await queue.SendAsync(paymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            IntakeLog.Accepted(logger, paymentId, row.Amount, row.Currency);
            return new IntakeResult.Accepted(PaymentReceipt.From(row), Replayed: false);
        }

        var existing = await store.GetAsync(paymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Payment {paymentId} existed on insert but not on read.");
        if (existing.RequestHash != row.RequestHash)
        {
            IntakeLog.KeyReused(logger, paymentId);
            return new IntakeResult.KeyReused(paymentId);
        }

        // A replay of a payment never picked up heals a crash between insert and enqueue: an extra message is harmless,
        // posting claims the row with its ETag and the vendor call is idempotent.
        if (existing.Status == PaymentStatus.Accepted && existing.Attempts == 0)
        {
            await queue.SendAsync(paymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }

        return new IntakeResult.Accepted(PaymentReceipt.From(existing), Replayed: true);
    }

    /// <summary>Reads a payment: <c>GET /api/payments/{paymentId}</c>; null when unknown.</summary>
    public async Task<PaymentView?> GetAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (!PaymentId.IsWellFormed(paymentId))
        {
            return null;
        }

        var row = await store.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : PaymentView.From(row);
    }

    private static PaymentEntity NewRow(string paymentId, PaymentRequest request, DateTimeOffset now) => new()
    {
        PartitionKey = paymentId,
        MemberId = request.MemberId,
        Amount = request.Amount,
        Currency = request.Currency,
        PaymentMethodId = request.PaymentMethodId,
        InvoiceId = request.InvoiceId,
        Description = request.Description,
        RequestHash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request))),
        Status = PaymentStatus.Accepted,
        AcceptedAt = now,
        UpdatedAt = now,
    };
}
