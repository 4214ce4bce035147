using System.Diagnostics;

namespace PaymentFunctions.RealHost;

/// <summary>
/// The function app as it is deployed: <c>dotnet publish functions/PaymentFunctions -c Release</c> (or the
/// configuration asked for: the tests publish the one they were built with, which reuses that build), once per
/// process and configuration (into <c>artifacts/realhost/app-{configuration}</c>), or the folder
/// <c>PAYMENTS_APP_PUBLISH_DIR</c> names when it is set.
/// </summary>
public static class AppPublish
{
    /// <summary>Names an existing publish folder to use instead of publishing.</summary>
    public const string FolderVariable = "PAYMENTS_APP_PUBLISH_DIR";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string> Folders = new(StringComparer.Ordinal);

    /// <summary>The publish folder, publishing the app the first time it is asked for.</summary>
    public static async Task<string> FolderAsync(string configuration = "Release", CancellationToken cancellationToken = default)
    {
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } given)
        {
            return File.Exists(Path.Combine(given, "functions.metadata"))
                ? Path.GetFullPath(given)
                : throw new InvalidOperationException($"{FolderVariable}={given} is not a publish folder of the function app (no functions.metadata).");
        }

        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Folders.TryGetValue(configuration, out var folder))
            {
                folder = Folders[configuration] = await PublishAsync(configuration, cancellationToken).ConfigureAwait(false);
            }

            return folder;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> PublishAsync(string configuration, CancellationToken cancellationToken)
    {
        var root = FunctionsHostLocation.RepositoryRoot;
        var output = Path.Combine(root, "artifacts", "realhost", $"app-{configuration.ToLowerInvariant()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(root, "functions", "PaymentFunctions"), "-c", configuration, "-o", output, "--nologo", "-v", "q" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };

        // A publish started from a test run must not inherit the test host's MSBuild node settings.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of the function app failed ({process.ExitCode}):\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }

        return output;
    }
}
