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
        foreach (var function in catalog.Http)
        {
            app.MapMethods($"{prefix}/{function.Route}", function.Methods, async context =>
            {
                if (!IsAuthorized(context, function.AuthLevel, context.RequestServices.GetRequiredService<IOptions<LocalHostOptions>>().Value))
                {
                    await Unauthorized(context).ConfigureAwait(false);
                    return;
                }

                var result = await FunctionInvoker.InvokeAsync(context.RequestServices, function.Method, FunctionInvoker.HttpBinder(context)).ConfigureAwait(false);
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

    private static bool IsAuthorized(HttpContext context, AuthorizationLevel level, LocalHostOptions keys)
    {
        if (level == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        var key = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        return key == keys.AdminKey || (level is AuthorizationLevel.Function or AuthorizationLevel.User && key == keys.FunctionKey);
    }

    private static Task Unauthorized(HttpContext context) =>
        Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "A valid function key is required.",
            detail: "Send the key in the x-functions-key header or the code query parameter.",
            type: "https://paymentfunctions.dev/problems/unauthorized").ExecuteAsync(context);
}
