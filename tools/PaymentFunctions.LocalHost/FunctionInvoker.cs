using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.LocalHost;

/// <summary>
/// Calls a function method as the worker does: a new instance per invocation from DI, the trigger value, route values
/// by parameter name and the cancellation token; awaits what it returns.
/// </summary>
internal static class FunctionInvoker
{
    public static async Task<object?> InvokeAsync(IServiceProvider services, MethodInfo method, Func<ParameterInfo, object?> bind)
    {
        await using var scope = services.CreateAsyncScope();
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var arguments = method.GetParameters().Select(bind).ToArray();
        object? returned;
        try
        {
            returned = method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        switch (returned)
        {
            case Task task:
                await task.ConfigureAwait(false);
                var type = task.GetType();
                return type.IsGenericType && type.GetProperty("Result") is { } result && result.PropertyType.Name != "VoidTaskResult"
                    ? result.GetValue(task)
                    : null;
            default:
                return returned;
        }
    }

    /// <summary>Binder for an HTTP trigger: the request, route values by name, the request's abort token.</summary>
    public static Func<ParameterInfo, object?> HttpBinder(HttpContext context) => parameter =>
        parameter switch
        {
            _ when parameter.ParameterType == typeof(HttpRequest) => context.Request,
            _ when parameter.ParameterType == typeof(CancellationToken) => context.RequestAborted,
            _ when parameter.ParameterType == typeof(string) && context.Request.RouteValues.TryGetValue(parameter.Name!, out var value) => value?.ToString(),
            _ => Unsupported(parameter),
        };

    /// <summary>Binder for a queue trigger: the message text and the host's cancellation token.</summary>
    public static Func<ParameterInfo, object?> QueueBinder(string message, CancellationToken cancellationToken) => parameter =>
        parameter switch
        {
            _ when parameter.GetCustomAttribute<QueueTriggerAttribute>() is not null && parameter.ParameterType == typeof(string) => message,
            _ when parameter.ParameterType == typeof(CancellationToken) => cancellationToken,
            _ => Unsupported(parameter),
        };

    /// <summary>Binder for a timer trigger: a <see cref="TimerInfo"/> and the host's cancellation token.</summary>
    public static Func<ParameterInfo, object?> TimerBinder(CancellationToken cancellationToken) => parameter =>
        parameter switch
        {
            _ when parameter.ParameterType == typeof(TimerInfo) => new TimerInfo(),
            _ when parameter.ParameterType == typeof(CancellationToken) => cancellationToken,
            _ => Unsupported(parameter),
        };

    private static object? Unsupported(ParameterInfo parameter) =>
        throw new NotSupportedException($"The local host cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType.Name} of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}.");
}
