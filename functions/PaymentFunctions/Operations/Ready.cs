using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Operations;

namespace PaymentFunctions.Operations;

/// <summary>
/// <c>GET /api/ready</c>: anonymous readiness — 200 when storage answers (intake can accept payments), else 503 with
/// <c>Retry-After</c>; reports the vendor state, which does not affect readiness. Liveness stays <c>/api/health</c>.
/// </summary>
public sealed class Ready(Readiness readiness)
{
    /// <summary>Runs the function.</summary>
    [Function(nameof(Ready))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ready")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var report = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (!report.Ready)
        {
            request.HttpContext.Response.Headers.RetryAfter = "10";
        }

        return new ObjectResult(report) { StatusCode = report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable };
    }
}
