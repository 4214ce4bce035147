using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Intake;

namespace PaymentFunctions.Intake;

/// <summary>
/// <c>GET /api/payments/{paymentId}/history</c>: every move of a payment, oldest first (intake: its own; operations:
/// any); the console's copy at <c>GET /api/console/api/payments/{paymentId}/history</c> (<see cref="ConsoleGate"/>).
/// </summary>
public sealed class GetPaymentHistory(PaymentIntakeService intake, IConfiguration configuration)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetPaymentHistory))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Payment + "/history")] HttpRequest request,
        string paymentId,
        CancellationToken cancellationToken) =>
        Caller.Authorize(request, out var denied, Roles.Intake, Roles.Operations) is not { } caller
            ? denied!
            : await AnswerAsync(paymentId, caller, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs the console's copy.</summary>
    [Function("Console" + nameof(GetPaymentHistory))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/" + Routes.Payment + "/history")] HttpRequest request,
        string paymentId,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is not { } caller
            ? denied!
            : await AnswerAsync(paymentId, caller, cancellationToken).ConfigureAwait(false);

    private async Task<IActionResult> AnswerAsync(string paymentId, CallerPrincipal caller, CancellationToken cancellationToken) =>
        await intake.GetHistoryAsync(paymentId, caller.Name, anyCaller: caller.Roles.Contains(Roles.Operations), cancellationToken).ConfigureAwait(false) is { } history
            ? new OkObjectResult(history)
            : Problems.NotFound($"There is no payment {paymentId}.");
}
