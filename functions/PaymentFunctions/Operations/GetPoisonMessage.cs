using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary><c>GET /api/ops/poison/{messageId}</c>: one poisoned message with its failure (operations).</summary>
public sealed class GetPoisonMessage(PoisonService poison, IConfiguration configuration)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetPoisonMessage))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/poison/{messageId}")] HttpRequest request,
        string messageId,
        CancellationToken cancellationToken)
    {
        return Caller.Authorize(request, out var denied, Roles.Operations) is null ? denied! : await AnswerAsync(messageId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the console's copy (<c>GET /api/console/api/ops/poison/{messageId}</c>).</summary>
    [Function("Console" + nameof(GetPoisonMessage))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/ops/poison/{messageId}")] HttpRequest request,
        string messageId,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is null ? denied! : await AnswerAsync(messageId, cancellationToken).ConfigureAwait(false);

    private async Task<IActionResult> AnswerAsync(string messageId, CancellationToken cancellationToken) =>
        await poison.GetAsync(messageId, cancellationToken).ConfigureAwait(false) is { } record
            ? new OkObjectResult(record)
            : Problems.NotFound($"There is no poisoned message {messageId}.");
}
