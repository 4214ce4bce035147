using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;
using PaymentFunctions.OpsConsole;
using PaymentIntake.Intake;

namespace PaymentFunctions.Intake;

/// <summary>
/// <c>GET /api/payments/{paymentId}</c>: a payment's status; the console's copy at
/// <c>GET /api/console/api/payments/{paymentId}</c> (operations, <see cref="ConsoleGate"/>).
/// </summary>
public sealed class GetPayment(PaymentIntakeService intake, IConfiguration configuration)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(GetPayment))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Payment)] HttpRequest request,
        string paymentId,
        CancellationToken cancellationToken) =>
        Caller.Authorize(request, out var denied, Roles.Intake, Roles.Operations) is not { } caller
            ? denied!
            : await AnswerAsync(paymentId, caller, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs the console's copy.</summary>
    [Function("Console" + nameof(GetPayment))]
    public async Task<IActionResult> RunFromConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/api/" + Routes.Payment)] HttpRequest request,
        string paymentId,
        CancellationToken cancellationToken) =>
        ConsoleGate.Authorize(request, configuration, out var denied) is not { } caller
            ? denied!
            : await AnswerAsync(paymentId, caller, cancellationToken).ConfigureAwait(false);

    // Operations read any payment; an intake caller only those it submitted (others are "not found").
    private async Task<IActionResult> AnswerAsync(string paymentId, CallerPrincipal caller, CancellationToken cancellationToken) =>
        await intake.GetAsync(paymentId, caller.Name, anyCaller: caller.Roles.Contains(Roles.Operations), cancellationToken).ConfigureAwait(false) is { } view
            ? new OkObjectResult(view)
            : Problems.NotFound($"There is no payment {paymentId}.");
}
