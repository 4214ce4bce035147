using System.Reflection;
using System.Text.RegularExpressions;

namespace PaymentIntake.Tests;

/// <summary>
/// The shape the architecture promises (docs/architecture.md), checked on the sources: core folders without
/// import loops, a payment whose status only its own methods change, one composition call site, no HTTP routes in the core.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Root = Path.GetFullPath(typeof(ArchitectureTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);
    private static readonly string Core = Path.Combine(Root, "functions", "PaymentIntake");

    private static IEnumerable<string> Sources(params string[] folders) =>
        folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(Root, f), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>Which core folders each core folder uses: by using directive, qualified name or relative namespace.</summary>
    internal static Dictionary<string, HashSet<string>> FolderDependencies()
    {
        var folders = Directory.GetDirectories(Core).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Select(f => f!).ToHashSet(StringComparer.Ordinal);
        var graph = folders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var file in Sources("functions/PaymentIntake"))
        {
            var folder = Path.GetRelativePath(Core, file).Split(Path.DirectorySeparatorChar)[0];
            if (!folders.Contains(folder))
            {
                continue; // files at the root (the event-id registry, the registration) may use every folder
            }

            var text = CommentLine().Replace(File.ReadAllText(file), "");
            foreach (Match m in QualifiedReference().Matches(text))
            {
                var used = m.Groups["folder"].Value;
                if (folders.Contains(used) && used != folder)
                {
                    graph[folder].Add(used);
                }
            }
        }

        return graph;
    }

    [Fact]
    public void CoreFolders_ImportEachOther_WithoutLoops()
    {
        var graph = FolderDependencies();
        Assert.Contains("Posting", graph["Operations"]); // the scan sees real dependencies
        var cycles = new List<string>();
        foreach (var start in graph.Keys)
        {
            var path = new Stack<string>();
            if (FindCycle(graph, start, start, path, new HashSet<string>(StringComparer.Ordinal)))
            {
                cycles.Add(start + " → " + string.Join(" → ", path.Reverse()));
            }
        }

        Assert.True(cycles.Count == 0, "Import loops between core folders:\n" + string.Join('\n', cycles));
    }

    /// <summary>
    /// The compiler guards a payment's life: what was submitted is init-only, and the status and everything that moves
    /// with it have private setters — only <see cref="Payments.Payment"/>'s methods change them.
    /// </summary>
    [Fact]
    public void Payment_HasNoPublicSetter_ForItsStatusOrAnythingThatMoves()
    {
        static bool IsInitOnly(MethodInfo set) => set.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit));

        var settable = typeof(Payments.Payment).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { } set && !set.IsPrivate && !IsInitOnly(set))
            .Select(p => p.Name)
            .ToList();
        var status = typeof(Payments.Payment).GetProperty(nameof(Payments.Payment.Status))!.SetMethod!;

        Assert.Empty(settable);
        Assert.True(status.IsPrivate && !IsInitOnly(status));
    }

    [Fact]
    public void CompositionRoot_IsCalledOnce_AndUsedByTheAppAndTheLocalHost()
    {
        static List<string> CallSites(string method) => Sources("functions", "tools", "bench")
            .Where(f => Regex.IsMatch(File.ReadAllText(f), $@"\.{method}\("))
            .Select(Relative)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["functions/PaymentFunctions/CompositionRoot.cs"], CallSites("AddPaymentIntake"));
        Assert.Equal(["functions/PaymentFunctions/Program.cs", "tools/PaymentFunctions.LocalHost/LocalFunctionsHost.cs"], CallSites("AddPaymentFunctions"));
    }

    [Fact]
    public void Core_HoldsNoHttpRoutes()
    {
        var routes = Sources("functions/PaymentIntake").Where(f => File.ReadAllText(f).Contains("\"/api/", StringComparison.Ordinal)).Select(Relative);

        Assert.Empty(routes);
    }

    private static bool FindCycle(Dictionary<string, HashSet<string>> graph, string start, string at, Stack<string> path, HashSet<string> seen)
    {
        foreach (var next in graph[at])
        {
            path.Push(next);
            if (next == start || (seen.Add(next) && FindCycle(graph, start, next, path, seen)))
            {
                return true;
            }

            path.Pop();
        }

        return false;
    }

    // `using PaymentIntake.Posting;`, `PaymentIntake.Posting.X`, or `Posting.X` from inside the PaymentIntake namespace.
    [GeneratedRegex(@"(?:\bPaymentIntake\.|(?<![\w.]))(?<folder>[A-Z]\w*)(?:;|\.[A-Z])")]
    private static partial Regex QualifiedReference();

    [GeneratedRegex(@"^\s*///?.*$", RegexOptions.Multiline)]
    private static partial Regex CommentLine();
}
