using System.Collections.Frozen;

namespace PaymentFunctions.OpsConsole;

/// <summary>
/// The operations console's files, embedded in the app's assembly (<c>Console/wwwroot</c> and the pinned Chart.js):
/// what <see cref="ServeConsole"/> serves, by file name. They hold no data; every value the console shows comes from
/// the console's API, as text.
/// </summary>
public static class ConsoleAssets
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Files = Load();

    /// <summary>The file the console's address serves.</summary>
    public const string Index = "index.html";

    /// <summary>The names of the files (what <c>infra/modules/functionapp.bicep</c> lets through without a sign-in).</summary>
    public static IEnumerable<string> Names => Files.Keys;

    /// <summary>The file called <paramref name="name"/>, or null.</summary>
    public static (byte[] Bytes, string ContentType)? Find(string name) => Files.TryGetValue(name, out var file) ? file : null;

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var type))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name] = (copy.ToArray(), type);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
