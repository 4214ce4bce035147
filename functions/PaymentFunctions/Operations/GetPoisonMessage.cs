using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary><c>GET /api/ops/poison/{messageId}</c>: one poisoned message with its failure (operations).</summary>
public sealed class GetPoisonMessage(PoisonService poison)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetPoisonMessage))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/poison/{messageId}")] HttpRequest request,
        string messageId,
        CancellationToken cancellationToken)
    {
        if (Caller.Authorize(request, out var denied, Roles.Operations) is null)
        {
            return denied!;
        }

        return await poison.GetAsync(messageId, cancellationToken).ConfigureAwait(false) is { } record
            ? new OkObjectResult(record)
            : Problems.NotFound($"There is no poisoned message {messageId}.");
    }
}
