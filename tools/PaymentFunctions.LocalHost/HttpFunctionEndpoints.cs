using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace PaymentFunctions.LocalHost;

/// <summary>Maps HTTP functions to routes under the host.json prefix, with Azure's key checks.</summary>
internal static class HttpFunctionEndpoints
{
    public static void Map(WebApplication app, FunctionCatalog catalog, HostSettings settings)
    {
        var prefix = string.IsNullOrEmpty(settings.RoutePrefix) ? "" : "/" + settings.RoutePrefix.Trim('/');
        app.Use(NotFoundForOtherMethods);
        foreach (var function in catalog.Http)
        {
            app.MapMethods($"{prefix}/{function.Route}", function.Methods, async context =>
            {
                if (!IsAuthorized(context, function.AuthLevel, context.RequestServices.GetRequiredService<IOptions<LocalHostOptions>>().Value))
                {
                    await Unauthorized(context).ConfigureAwait(false);
                    return;
                }

                var result = await InvokeAsync(context, function).ConfigureAwait(false);
                switch (result)
                {
                    case IActionResult action:
                        await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
                        break;
                    case IResult minimal:
                        await minimal.ExecuteAsync(context).ConfigureAwait(false);
                        break;
                    case null:
                        context.Response.StatusCode = StatusCodes.Status204NoContent;
                        break;
                    default:
                        await context.Response.WriteAsJsonAsync(result, result.GetType()).ConfigureAwait(false);
                        break;
                }
            }).WithName(function.Name);
        }
    }

    /// <summary>Calls the function as the app's worker middleware does under the Functions host: within a storage budget, a storage outage answered 503.</summary>
    private static Task<object?> InvokeAsync(HttpContext context, HttpFunction function) =>
        Http.StorageOutage.InvokeAsync(context, () => FunctionInvoker.InvokeAsync(context.RequestServices, function.Method, FunctionInvoker.HttpBinder(context)));

    /// <summary>The display name of ASP.NET Core's endpoint for a known route with another method (HttpMethodMatcherPolicy).</summary>
    private const string MethodNotAllowedEndpoint = "405 HTTP Method Not Supported";

    /// <summary>
    /// The Functions host answers a route called with a method it does not take (<c>DELETE /api/payments</c>,
    /// <c>HEAD /api/health</c>, <c>OPTIONS</c>) with an empty 404, as for an unknown route; ASP.NET Core routing
    /// would pick its 405 endpoint, which is answered here as the host does.
    /// </summary>
    private static Task NotFoundForOtherMethods(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.DisplayName == MethodNotAllowedEndpoint)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>
    /// Azure's rule for keys: anonymous routes need none; function routes take a caller's key or the admin (master)
    /// key; admin routes only the admin key. Like the platform with App Service Authentication, the local host then
    /// names the caller in <c>X-MS-CLIENT-PRINCIPAL</c>, dropping any such header the client sent — on anonymous
    /// routes too when a caller's key comes with the request (the console's API: the operator's sign-in, locally).
    /// </summary>
    private static bool IsAuthorized(HttpContext context, AuthorizationLevel level, LocalHostOptions options)
    {
        context.Request.Headers.Remove(Http.CallerPrincipal.Header);
        var key = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault();
        if (level == AuthorizationLevel.Anonymous)
        {
            if (!string.IsNullOrEmpty(key) && options.Callers.FirstOrDefault(c => SameKey(key, c.Value.Key)) is { Key: { } signedIn } known)
            {
                context.Request.Headers[Http.CallerPrincipal.Header] = new Http.CallerPrincipal(signedIn, known.Value.Roles.ToHashSet(StringComparer.Ordinal)).ToHeader();
            }

            return true;
        }

        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        if (SameKey(key, options.AdminKey))
        {
            return true;
        }

        if (level is not (AuthorizationLevel.Function or AuthorizationLevel.User)
            || options.Callers.FirstOrDefault(c => SameKey(key, c.Value.Key)) is not { Key: { } name } caller)
        {
            return false;
        }

        context.Request.Headers[Http.CallerPrincipal.Header] = new Http.CallerPrincipal(name, caller.Value.Roles.ToHashSet(StringComparer.Ordinal)).ToHeader();
        return true;
    }

    private static Task Unauthorized(HttpContext context) =>
        Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "A valid function key is required.",
            detail: "Send the key in the x-functions-key header or the code query parameter.",
            type: "https://paymentfunctions.dev/problems/unauthorized").ExecuteAsync(context);

    /// <summary>Compares keys in constant time (no early exit that would let a caller guess a key byte by byte).</summary>
    private static bool SameKey(string given, string? expected) =>
        expected is not null
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected));
}
