using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.Operations;

/// <summary><c>GET /api/health</c>: anonymous liveness probe.</summary>
public sealed class Health
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(Health))]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        new OkObjectResult(new { status = "ok" });
}
