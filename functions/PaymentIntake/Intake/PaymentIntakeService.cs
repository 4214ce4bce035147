using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Queue;

namespace PaymentIntake.Intake;

/// <summary>
/// Intake: validate, record durably with the time of acceptance, queue for posting. Never calls the vendor,
/// so it keeps working while the vendor is down.
/// </summary>
public sealed class PaymentIntakeService(
    PaymentRepository payments,
    PaymentIds ids,
    PaymentQueue queue,
    IOptions<PostingOptions> options,
    Deadlines.DeadlineCalendar deadlines,
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
        var row = NewPayment(paymentId, caller, request!, time.GetUtcNow());
        var (recorded, created) = await RecordAsync(row, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            IntakeLog.Accepted(logger, paymentId, row.Amount, row.Currency);
            return new IntakeResult.Accepted(PaymentReceipt.From(row) with { Deadline = deadlines.For(row) }, Replayed: false);
        }

        if (recorded.RequestHash != row.RequestHash)
        {
            IntakeLog.KeyReused(logger, paymentId);
            return new IntakeResult.KeyReused(paymentId);
        }

        return new IntakeResult.Accepted(PaymentReceipt.From(recorded) with { Deadline = deadlines.For(recorded) }, Replayed: true);
    }

    /// <summary>
    /// Records a new payment row durably and queues it; if the id exists, returns the existing row instead (the
    /// deduplication). Shared by the intake API and mail-in batches.
    /// </summary>
    public async Task<(Payment Row, bool Created)> RecordAsync(Payment row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);

        // The due-index entry lets the reconciler find the payment if we crash before the enqueue (the repository
        // writes it before the row, and removes it once the payment is settled).
        if (await payments.TryAddAsync(row, row.UpdatedAt + options.Value.ReconcileAfter, cancellationToken).ConfigureAwait(false))
        {
            await queue.SendAsync(row.PaymentId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            return (row, true);
        }

        var existing = await payments.GetAsync(row.PaymentId, cancellationToken).ConfigureAwait(false)
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

        var row = await payments.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
        return row is null || (!anyCaller && row.SubmittedBy != caller) ? null : View(row);
    }

    /// <summary>
    /// A payment's history: <c>GET /api/payments/{paymentId}/history</c>; null under the same rule as
    /// <see cref="GetAsync"/> (unknown, or not the intake caller's own). The row is read first, so a caller learns
    /// nothing of a payment it may not see.
    /// </summary>
    public async Task<PaymentHistoryView?> GetHistoryAsync(string paymentId, string caller, bool anyCaller, CancellationToken cancellationToken)
    {
        if (!PaymentId.IsWellFormed(paymentId))
        {
            return null;
        }

        var row = await payments.GetAsync(paymentId, cancellationToken).ConfigureAwait(false);
        if (row is null || (!anyCaller && row.SubmittedBy != caller))
        {
            return null;
        }

        var moves = await payments.GetHistoryAsync(paymentId, cancellationToken).ConfigureAwait(false);
        return new PaymentHistoryView(row.PaymentId, row.Status, row.MemberId, moves);
    }

    /// <summary>
    /// A member's payments, newest accepted first: <c>GET /api/payments?memberId=…</c>. Unless
    /// <paramref name="anyCaller"/>, only those <paramref name="caller"/> submitted. Found through the member index
    /// (<see cref="MemberIndex"/>), never by scanning the table.
    /// </summary>
    public async Task<MemberPaymentsView> ListByMemberAsync(string memberId, int limit, string caller, bool anyCaller, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var rows = await payments.ListByMemberAsync(memberId, anyCaller ? null : caller, limit, cancellationToken).ConfigureAwait(false);
        return new MemberPaymentsView(memberId, rows.Select(View).ToList());
    }

    private PaymentView View(Payment row) => PaymentView.From(row) with { Deadline = deadlines.For(row) };

    private static Payment NewPayment(string paymentId, string caller, PaymentRequest request, DateTimeOffset now) => new()
    {
        PaymentId = paymentId,
        SubmittedBy = caller,
        MemberId = request.MemberId,
        Amount = request.Amount,
        Currency = request.Currency,
        PaymentMethodId = request.PaymentMethodId,
        ConfirmationTokenId = request.ConfirmationTokenId,
        InvoiceId = request.InvoiceId,
        Description = request.Description,
        RequestHash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request))),
        AcceptedAt = now,
        UpdatedAt = now,
    };
}
