using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.LocalHost;

/// <summary>An HTTP-triggered function found by reflection.</summary>
public sealed record HttpFunction(string Name, MethodInfo Method, string Route, string[] Methods, AuthorizationLevel AuthLevel);

/// <summary>A queue-triggered function found by reflection.</summary>
public sealed record QueueFunction(string Name, MethodInfo Method, string QueueName);

/// <summary>A timer-triggered function found by reflection.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, string Schedule);

/// <summary>
/// The functions of an assembly, read from their <c>[Function]</c>, <c>[HttpTrigger]</c> and <c>[QueueTrigger]</c>
/// attributes, as the Worker SDK reads them to write <c>functions.metadata</c>.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<HttpFunction> http, IReadOnlyList<QueueFunction> queues, IReadOnlyList<TimerFunction> timers)
    {
        Http = http;
        Queues = queues;
        Timers = timers;
    }

    /// <summary>The HTTP functions.</summary>
    public IReadOnlyList<HttpFunction> Http { get; }

    /// <summary>The queue functions.</summary>
    public IReadOnlyList<QueueFunction> Queues { get; }

    /// <summary>The timer functions.</summary>
    public IReadOnlyList<TimerFunction> Timers { get; }

    /// <summary>This catalog without the functions <paramref name="disabled"/> names (<c>AzureWebJobs.{name}.Disabled</c>).</summary>
    public FunctionCatalog Without(Func<string, bool> disabled) =>
        new(Http.Where(f => !disabled(f.Name)).ToList(), Queues.Where(f => !disabled(f.Name)).ToList(), Timers.Where(f => !disabled(f.Name)).ToList());

    /// <summary>Reads every <c>[Function]</c> method of <paramref name="assembly"/>; fails on triggers it cannot run.</summary>
    public static FunctionCatalog From(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var http = new List<HttpFunction>();
        var queues = new List<QueueFunction>();
        var timers = new List<TimerFunction>();
        foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            var parameters = method.GetParameters();
            if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } httpTrigger)
            {
                var verbs = (httpTrigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray();
                http.Add(new HttpFunction(function.Name, method, httpTrigger.Route ?? function.Name, verbs, httpTrigger.AuthLevel));
            }
            else if (parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } queueTrigger)
            {
                queues.Add(new QueueFunction(function.Name, method, queueTrigger.QueueName));
            }
            else if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } timerTrigger)
            {
                timers.Add(new TimerFunction(function.Name, method, timerTrigger.Schedule));
            }
            else
            {
                throw new NotSupportedException($"Function {function.Name} has a trigger the local host does not run; run it under the Functions host (func start).");
            }
        }

        return new FunctionCatalog(http, queues, timers);
    }
}
