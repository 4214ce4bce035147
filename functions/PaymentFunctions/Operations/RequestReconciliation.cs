using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Reconciliation.Books;

namespace PaymentFunctions.Operations;

/// <summary>
/// <c>POST /api/ops/reconciliations</c> with <c>{"from":"…","to":"…"}</c> (ISO 8601 date-times): reconcile that window of
/// our books with Stripe's (operations; audited). Answers <c>202</c> with the report's URL; it runs from queue
/// <c>reconciliations</c>.
/// </summary>
public sealed class RequestReconciliation(ReconciliationService reconciliations)
{
    private const int MaxBodyBytes = 4096;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs the function.</summary>
    [Function(nameof(RequestReconciliation))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Reconciliations)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Caller.Authorize(request, out var denied, Roles.Operations) is not { } caller)
        {
            return denied!;
        }

        if (!RequestBody.IsJson(request))
        {
            return Problems.UnsupportedMediaType("Send the window as application/json.", $"The body was sent as '{request.ContentType}'.");
        }

        if (await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken).ConfigureAwait(false) is not { } body)
        {
            return Problems.BodyTooLarge(MaxBodyBytes);
        }

        WindowRequest? window;
        try
        {
            window = JsonSerializer.Deserialize<WindowRequest>(body, Json);
        }
        catch (JsonException ex)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["body"] = [$"The body is not JSON of the form {{\"from\":\"2026-12-06T05:00:00Z\",\"to\":\"2026-12-07T05:00:00Z\"}}: {ex.Message}"] });
        }

        return await reconciliations.RequestAsync(window?.From, window?.To, caller.Name, cancellationToken).ConfigureAwait(false) switch
        {
            ReconciliationRequestResult.Accepted accepted => new AcceptedResult(Routes.ReconciliationUrl(accepted.Report.ReconciliationId), accepted.Report),
            ReconciliationRequestResult.Invalid invalid => Problems.Validation(invalid.Errors),
            var other => throw new InvalidOperationException($"Unexpected result {other.GetType().Name}."),
        };
    }

    /// <summary>The body: the window to reconcile.</summary>
    private sealed record WindowRequest(DateTimeOffset? From, DateTimeOffset? To);
}
