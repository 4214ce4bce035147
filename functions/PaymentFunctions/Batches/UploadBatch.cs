using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Batches;

namespace PaymentFunctions.Batches;

/// <summary>
/// <c>PUT /api/batches/{batchId}</c>: a lockbox file as <c>text/csv</c> (lockbox). Answers <c>202</c> with the batch's
/// status URL once the file is stored and readable as a batch; its lines are recorded from queue <c>batches</c>.
/// </summary>
public sealed class UploadBatch(BatchService batches)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(UploadBatch))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.Batch)] HttpRequest request,
        string batchId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Caller.Authorize(request, out var denied, Roles.Lockbox) is not { } caller)
        {
            return denied!;
        }

        if (!(request.ContentType ?? "").StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.UnsupportedMediaType("Send the batch as text/csv.", $"The body was sent as '{request.ContentType}'.");
        }

        return await batches.UploadAsync(caller.Name, batchId, request.Body, request.ContentLength, cancellationToken).ConfigureAwait(false) switch
        {
            BatchUploadResult.Accepted accepted => new AcceptedResult(Routes.BatchUrl(batchId), accepted.Status),
            BatchUploadResult.Done done => new OkObjectResult(done.Report),
            BatchUploadResult.Invalid invalid => Problems.Validation(new Dictionary<string, string[]> { [invalid.Field] = [invalid.Message] }),
            BatchUploadResult.TooLarge tooLarge => Problems.TooLarge(tooLarge.Message),
            BatchUploadResult.Conflict conflict => Problems.Conflict(conflict.Message),
            var other => throw new InvalidOperationException($"Unexpected batch result {other.GetType().Name}."),
        };
    }
}
