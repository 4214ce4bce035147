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

    /// <summary>
    /// Which core folders (sub-folders included: <c>Posting/Vendor</c> is its own node) each core folder uses: a file
    /// uses a folder when it names a type declared at the top level of a file there — by the type's name, so a use
    /// that needs no using directive (a parent namespace, a qualified name) counts too. Comments, strings and member
    /// accesses (<c>x.PaymentId</c>) do not.
    /// </summary>
    internal static Dictionary<string, HashSet<string>> FolderDependencies()
    {
        var files = Sources("functions/PaymentIntake")
            .Select(f => (File: f, Node: Path.GetDirectoryName(Path.GetRelativePath(Core, f))!.Replace('\\', '/')))
            .Where(f => f.Node.Length > 0) // files at the root (the event-id registry, the registration) may use every folder
            .Select(f => (f.File, f.Node, Code: Code().Replace(File.ReadAllText(f.File), " ")))
            .ToList();
        var declaredIn = files
            .SelectMany(f => TopLevelType().Matches(f.Code).Select(m => (Name: m.Groups["name"].Value, f.Node)))
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Node).Distinct().ToList(), StringComparer.Ordinal);
        var graph = files.Select(f => f.Node).Distinct().ToDictionary(n => n, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (_, node, code) in files)
        {
            foreach (Match m in TypeUse().Matches(code))
            {
                if (declaredIn.TryGetValue(m.Value, out var nodes) && nodes.Count == 1 && nodes[0] != node)
                {
                    graph[node].Add(nodes[0]);
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
        Assert.Contains("Posting/Vendor", graph["Posting/Circuit"]); // sub-folders too (the probe's pipeline)
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

    // A type declared at the top of a file (file-scoped namespace: column 0).
    [GeneratedRegex(@"^(?:(?:public|internal|static|sealed|abstract|partial|readonly)\s+)*(?:class|record|struct|enum|interface)\s+(?<name>[A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    // A capitalised name not reached through a member access, nor declared as a member or parameter (followed by
    // { or => or , ) ; =).
    [GeneratedRegex(@"(?<![\w.])[A-Z]\w*(?!\w)(?!\s*(?:\{|=>|[,);=]))")]
    private static partial Regex TypeUse();

    // Comments, string and char literals.
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:""""|[^""])*""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'", RegexOptions.Singleline)]
    private static partial Regex Code();
}
