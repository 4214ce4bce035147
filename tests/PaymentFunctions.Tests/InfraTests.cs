using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace PaymentFunctions.Tests;

/// <summary>infra/main.bicep compiles with the pinned bicep, and keeps the vendor's rate limit in mind.</summary>
public sealed class InfraTests
{
    private static string Metadata(string key) =>
        typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;

    [Fact]
    public async Task MainBicep_Builds_WithoutAnInstanceCapAndOneSharedVendorRate()
    {
        var bicep = Metadata("Bicep");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(bicep, ["build", Path.Combine(Metadata("RepositoryRoot"), "infra", "main.bicep"), "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await error);
        Assert.Equal("", (await error).Trim());
        var parameters = JsonDocument.Parse(await output).RootElement.GetProperty("parameters");
        Assert.True(parameters.GetProperty("maximumInstanceCount").GetProperty("minValue").GetInt32() >= 40, "Flex Consumption refuses fewer than 40 instances in most regions.");
        Assert.Equal(100, parameters.GetProperty("maximumInstanceCount").GetProperty("defaultValue").GetInt32());
        Assert.Equal(80, parameters.GetProperty("vendorRatePerSecond").GetProperty("defaultValue").GetInt32());
        Assert.False(parameters.TryGetProperty("postingRatePerSecond", out _));
    }
}
