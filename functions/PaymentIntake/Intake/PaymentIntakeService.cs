using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Due;
using PaymentIntake.Payments;
using PaymentIntake.Queue;

namespace PaymentIntake.Intake;

/// <summary>
/// Intake: validate, record durably with the time of acceptance, queue for posting. Never calls the vendor,
/// so it keeps working while the vendor is down.
/// </summary>
public sealed class PaymentIntakeService(
    PaymentStore store,
    PaymentIds ids,
    PaymentQueue queue,
    PaymentsDueIndex due,
    IOptions<PostingOptions> options,
    TimeProvider time,
    ILogger<PaymentIntakeService> logger)
{
    /// <summary>Accepts a payment from <paramref name="caller"/>: <c>POST /api/payments</c>.</summary>
    public async Task<IntakeResult> SubmitAsync(string caller, string? idempotencyKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
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

        var paymentId = ids.ForCard(caller, idempotencyKey!);
        var row = NewRow(paymentId, request!, time.GetUtcNow());
        row.SubmittedBy = caller;
        var (recorded, created) = await RecordAsync(row, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            IntakeLog.Accepted(logger, paymentId, row.Amount, row.Currency);
            return new IntakeResult.Accepted(PaymentReceipt.From(row), Replayed: false);
        }

        if (recorded.RequestHash != row.RequestHash)
        {
            IntakeLog.KeyReused(logger, paymentId);
            return new IntakeResult.KeyReused(paymentId);
        }

        return new IntakeResult.Accepted(PaymentReceipt.From(recorded), Replayed: true);
    }

    /// <summary>
    /// Records a new payment row durably and queues it; if the id exists, returns the existing row instead (the
    /// deduplication). Shared by the intake API and mail-in batches.
    /// </summary>
    public async Task<(PaymentEntity Row, bool Created)> RecordAsync(PaymentEntity row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);

        // The due-index entry lets the reconciler find the payment if we crash before the enqueue. It is written before
        // the row, so no accepted row is ever outside the index (an entry without a row is dropped by the reconciler).
        // The row names its entry (DueAt), so the state machine removes it once the payment is done.
        row.DueAt = row.UpdatedAt + options.Value.ReconcileAfter;
        await due.AddAsync(row.PaymentId, row.DueAt.Value, row.AcceptedAt, cancellationToken).ConfigureAwait(false);
        if (await store.TryInsertAsync(row, cancellationToken).ConfigureAwait(false))
        {
            await queue.SendAsync(row.PaymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            return (row, true);
        }

        var existing = await store.GetAsync(row.PaymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Payment {row.PaymentId} existed on insert but not on read.");

        // A replay of a payment never picked up heals a crash between insert and enqueue: an extra message is harmless,
        // posting claims the row with its ETag and the vendor call is idempotent.
        if (existing.RequestHash == row.RequestHash && existing.Status == PaymentStatus.Accepted && existing.Attempts == 0)
        {
            await queue.SendAsync(row.PaymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }

        return (existing, false);
    }

    /// <summary>
    /// Reads a payment: <c>GET /api/payments/{paymentId}</c>; null when unknown — or, unless
    /// <paramref name="anyCaller"/>, when <paramref name="caller"/> did not submit it (indistinguishable on purpose).
    /// </summary>
    public async Task<PaymentView?> GetAsync(string paymentId, string caller, bool anyCaller, CancellationToken cancellationToken)
    {
        if (!PaymentId.IsWellFormed(paymentId))
        {
            return null;
        }

        var row = await store.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
        return row is null || (!anyCaller && row.SubmittedBy != caller) ? null : PaymentView.From(row);
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
        AcceptedAt = now,
        UpdatedAt = now,
    };
}
