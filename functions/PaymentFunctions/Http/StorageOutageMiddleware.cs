using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace PaymentFunctions.Http;

/// <summary>
/// Worker middleware that runs every HTTP function through <see cref="StorageOutage"/>: the function's result, or
/// the 503 that replaces a storage outage, is what the ASP.NET Core integration then writes.
/// </summary>
internal sealed class StorageOutageMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var result = await StorageOutage.InvokeAsync(http, async () =>
        {
            await next(context).ConfigureAwait(false);
            return context.GetInvocationResult().Value;
        }).ConfigureAwait(false);
        context.GetInvocationResult().Value = result;
    }
}
