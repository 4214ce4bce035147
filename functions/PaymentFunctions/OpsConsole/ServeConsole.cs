using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.OpsConsole;

/// <summary>
/// <c>GET /api/console</c> and <c>GET /api/console/{file}</c>: the operations console's static files. Anonymous — they
/// hold no data (on Azure, App Service Authentication lets exactly these paths through so the page can offer the
/// sign-in; every call the page makes for data goes to <c>/api/console/api/…</c>, which needs the sign-in). Served
/// with a strict Content-Security-Policy (scripts, styles and requests only from this origin, no inline script, no
/// framing), <c>nosniff</c> and no caching.
/// </summary>
public sealed class ServeConsole
{
    /// <summary>The policy every console file is served with.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>Runs the function.</summary>
    [Function(nameof(ServeConsole))]
    public IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{file?}")] HttpRequest request,
        string? file)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(file) && !request.Path.Value!.EndsWith('/'))
        {
            // Relative references in the page resolve against /api/console/.
            return new RedirectResult(request.PathBase + request.Path + "/", permanent: false);
        }

        if (ConsoleAssets.Find(string.IsNullOrEmpty(file) ? ConsoleAssets.Index : file) is not { } asset)
        {
            return new NotFoundResult();
        }

        var headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        return new FileContentResult(asset.Bytes, asset.ContentType);
    }
}
