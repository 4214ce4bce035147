using System.Diagnostics;

namespace PaymentFunctions.Tests;

/// <summary>
/// paymentctl as operators install .NET CLIs: the build packs it into the local feed (artifacts/packages), and the
/// repository's tool manifest restores it, so <c>dotnet tool restore &amp;&amp; dotnet paymentctl …</c> works in a clone.
/// </summary>
public sealed class ToolManifestTests
{
    private static async Task<(int ExitCode, string Output, string Error)> DotnetAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = InfraTests.RepositoryRoot };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task ToolRestore_ThenDotnetPaymentctl_RunsTheTool()
    {
        Assert.True(File.Exists(Path.Combine(InfraTests.RepositoryRoot, "artifacts", "packages", "PaymentFunctions.Cli.1.0.0.nupkg")), "the build did not pack paymentctl");

        var restore = await DotnetAsync("tool", "restore");
        var help = await DotnetAsync("paymentctl", "--help");
        var unreachable = await DotnetAsync("paymentctl", "status", "--url", "http://127.0.0.1:1", "--key", "k");

        Assert.True(restore.ExitCode == 0, restore.Output + restore.Error);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("paymentctl [command] [options]", help.Output, StringComparison.Ordinal);
        Assert.Equal(3, unreachable.ExitCode);
    }
}
