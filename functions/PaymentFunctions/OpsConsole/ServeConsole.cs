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

    /// <summary>Serves the page (<c>/api/console/</c>; <c>/api/console</c> is sent there, so the page's relative references resolve).</summary>
    [Function(nameof(ServeConsole))]
    public IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.Value!.EndsWith('/')
            ? Serve(request, ConsoleAssets.Index)
            : new RedirectResult(request.PathBase + request.Path + "/", permanent: false);
    }

    /// <summary>Serves one of the console's files (<c>/api/console/{file}</c>); 404 for any other name.</summary>
    [Function("ServeConsoleFile")]
    public IActionResult RunForFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{file}")] HttpRequest request,
        string file)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Serve(request, file);
    }

    private static IActionResult Serve(HttpRequest request, string file)
    {
        if (ConsoleAssets.Find(file) is not { } asset)
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
