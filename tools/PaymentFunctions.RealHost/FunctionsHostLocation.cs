using System.Reflection;

namespace PaymentFunctions.RealHost;

/// <summary>
/// Where a real Azure Functions host is: a host build (<c>FUNCTIONS_HOST_PATH</c>, a folder with <c>run-host.sh</c>
/// or with <c>Microsoft.Azure.WebJobs.Script.WebHost.dll</c> in it or in its <c>bin/</c>), or Azure Functions Core
/// Tools (<c>func</c> on the PATH).
/// </summary>
public sealed record FunctionsHostLocation
{
    /// <summary>The environment variable naming a host build folder.</summary>
    public const string PathVariable = "FUNCTIONS_HOST_PATH";

    private const string HostDll = "Microsoft.Azure.WebJobs.Script.WebHost.dll";

    private FunctionsHostLocation(string description, string? runScript, string? hostDll, string? func)
    {
        Description = description;
        RunScript = runScript;
        HostProgram = hostDll;
        Func = func;
    }

    /// <summary>What was found, for messages.</summary>
    public string Description { get; }

    /// <summary>The build's <c>run-host.sh</c>, when it has one.</summary>
    public string? RunScript { get; }

    /// <summary>The host program, when started directly.</summary>
    public string? HostProgram { get; }

    /// <summary>Core Tools' <c>func</c>, when that is the host.</summary>
    public string? Func { get; }

    /// <summary>The host this machine has, or null with the reason in <paramref name="why"/>.</summary>
    public static FunctionsHostLocation? Find(out string why)
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path)
        {
            var folder = Path.GetFullPath(path);
            if (File.Exists(Path.Combine(folder, "run-host.sh")))
            {
                why = "";
                return new FunctionsHostLocation($"host build {folder}", Path.Combine(folder, "run-host.sh"), null, null);
            }

            foreach (var candidate in new[] { Path.Combine(folder, HostDll), Path.Combine(folder, "bin", HostDll) })
            {
                if (File.Exists(candidate))
                {
                    why = "";
                    return new FunctionsHostLocation($"host build {candidate}", null, candidate, null);
                }
            }

            why = $"{PathVariable}={path} holds neither run-host.sh nor {HostDll} (nor bin/{HostDll}).";
            return null;
        }

        var func = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "func"))
            .FirstOrDefault(File.Exists);
        if (func is not null)
        {
            why = "";
            return new FunctionsHostLocation($"Azure Functions Core Tools {func}", null, null, func);
        }

        var sibling = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "functions-host"));
        why = $"No Functions host found: set {PathVariable} to a host build (for example {sibling}) or install Azure Functions Core Tools (func on the PATH).";
        return null;
    }

    /// <summary>The repository this build came from.</summary>
    public static string RepositoryRoot =>
        Path.GetFullPath(typeof(FunctionsHostLocation).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepositoryRoot").Value!);
}
