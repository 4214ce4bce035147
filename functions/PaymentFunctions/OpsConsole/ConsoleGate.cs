using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using PaymentFunctions.Http;

namespace PaymentFunctions.OpsConsole;

/// <summary>
/// Who may call the console's API (<c>/api/console/api/…</c>), which takes no function key — a browser cannot keep one
/// secret. Safe because each call must pass all of:
/// <list type="number">
/// <item>The platform signs callers in: <c>WEBSITE_AUTH_ENABLED</c> is <c>True</c>, as App Service sets it when
/// App Service Authentication is on (the Bicep turns it on and requires it for every path but the console's files,
/// health, readiness and the signed webhook; it drops any <c>X-MS-CLIENT-PRINCIPAL</c> a client sends and fills in the
/// signed-in user). Without it the header could be forged, so the console API answers 403. The local host, which names
/// callers by their key, sets it.</item>
/// <item>The caller holds the <c>operations</c> role (<see cref="Caller.Authorize"/>).</item>
/// <item>The request is the console's own: header <c>X-Console-Request: 1</c>, which a page of another origin can only
/// send after a CORS preflight that this app never grants, and, where the browser says, <c>Sec-Fetch-Site:
/// same-origin</c>. A cross-site form or link (the sign-in cookie travels with it) therefore changes nothing.</item>
/// </list>
/// </summary>
public static class ConsoleGate
{
    /// <summary>The header the console sends with every call.</summary>
    public const string RequestHeader = "X-Console-Request";

    /// <summary>The setting App Service sets when its authentication is on.</summary>
    public const string PlatformSignInSetting = "WEBSITE_AUTH_ENABLED";

    /// <summary>The operator, or null with <paramref name="denied"/> the 403 answer.</summary>
    public static CallerPrincipal? Authorize(HttpRequest request, IConfiguration configuration, out IActionResult? denied)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.Equals(configuration[PlatformSignInSetting], "true", StringComparison.OrdinalIgnoreCase))
        {
            denied = Problems.Forbidden($"The console needs the platform's sign-in (App Service Authentication; {PlatformSignInSetting}=True): without it no caller identity can be trusted.");
            return null;
        }

        if (request.Headers[RequestHeader].FirstOrDefault() != "1"
            || request.Headers["Sec-Fetch-Site"].FirstOrDefault() is { } site && site != "same-origin")
        {
            denied = Problems.Forbidden($"Only the console's own page may call this route (header {RequestHeader}: 1, same origin).");
            return null;
        }

        return Caller.Authorize(request, out denied, Roles.Operations);
    }
}
