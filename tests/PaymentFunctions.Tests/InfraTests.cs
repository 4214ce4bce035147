using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace PaymentFunctions.Tests;

/// <summary>infra/ compiles and lints clean with the pinned bicep, and says what the code needs: tables, queues, identity, secrets, parameters.</summary>
public sealed class InfraTests
{
    /// <summary>The repository's root directory.</summary>
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    private static string Metadata(string key) =>
        typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;

    private static async Task<(int ExitCode, string Output, string Error)> BicepAsync(params string[] arguments)
    {
        var bicep = Metadata("Bicep");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(bicep, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static string MainBicep => Path.Combine(RepositoryRoot, "infra", "main.bicep");

    private static async Task<JsonElement> CompiledAsync()
    {
        var (exitCode, output, error) = await BicepAsync("build", MainBicep, "--stdout");
        Assert.True(exitCode == 0, error);
        Assert.Equal("", error.Trim());
        return JsonDocument.Parse(output).RootElement;
    }

    [Fact]
    public async Task MainBicep_LintsClean()
    {
        var (exitCode, output, error) = await BicepAsync("lint", MainBicep);
        Assert.True(exitCode == 0, error + output);
        Assert.Equal("", (error + output).Trim());
    }

    [Fact]
    public async Task MainBicep_Builds_WithoutAnInstanceCapAndOneSharedVendorRate()
    {
        var parameters = (await CompiledAsync()).GetProperty("parameters");
        Assert.True(parameters.GetProperty("maximumInstanceCount").GetProperty("minValue").GetInt32() >= 40, "Flex Consumption refuses fewer than 40 instances in most regions.");
        Assert.Equal(100, parameters.GetProperty("maximumInstanceCount").GetProperty("defaultValue").GetInt32());
        Assert.Equal(80, parameters.GetProperty("vendorRatePerSecond").GetProperty("defaultValue").GetInt32());
        Assert.False(parameters.TryGetProperty("postingRatePerSecond", out _));
    }

    [Fact]
    public async Task MainParameters_NameEveryParameterWithoutADefault()
    {
        var parameters = (await CompiledAsync()).GetProperty("parameters");
        var required = parameters.EnumerateObject().Where(p => !p.Value.TryGetProperty("defaultValue", out _)).Select(p => p.Name).ToList();
        var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "infra", "main.parameters.json"))).RootElement.GetProperty("parameters");

        Assert.Contains("alertEmail", required);
        Assert.All(required, name => Assert.True(file.TryGetProperty(name, out _), $"main.parameters.json lacks {name}"));
        Assert.All(file.EnumerateObject(), p => Assert.True(parameters.TryGetProperty(p.Name, out _), $"main.parameters.json names {p.Name}, which main.bicep does not have"));
    }

    [Fact]
    public void StorageBicep_CreatesEveryTableAndQueueTheAppUses_AndRefusesSharedKeys()
    {
        var bicep = File.ReadAllText(Path.Combine(RepositoryRoot, "infra", "modules", "storage.bicep"));
        var names = new PaymentIntake.Storage.StorageNames(Microsoft.Extensions.Options.Options.Create(new PaymentIntake.Configuration.PaymentIntakeOptions()));
        var tables = typeof(PaymentIntake.Storage.StorageNames).GetProperties().Where(p => p.Name.EndsWith("Table", StringComparison.Ordinal)).Select(p => (string)p.GetValue(names)!).ToList();
        string[] queues = [names.PaymentsQueue, names.PaymentsPoisonQueue, names.BatchesQueue, PaymentIntake.Storage.QueueNames.PoisonOf(names.BatchesQueue), names.BatchesContainer];

        Assert.True(tables.Count >= 10, $"only {tables.Count} tables found");
        Assert.All(tables.Concat(queues), name => Assert.Contains($"'{name}'", bicep, StringComparison.Ordinal));
        Assert.Contains("allowSharedKeyAccess: false", bicep, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionApp_UsesIdentityStorage_KeyVaultReferences_AndAnonymousRoutesAreExcludedFromAuth()
    {
        var compiled = (await CompiledAsync()).ToString();
        var app = File.ReadAllText(Path.Combine(RepositoryRoot, "infra", "modules", "functionapp.bicep"));

        Assert.DoesNotContain("listKeys", compiled, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey=", compiled, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__accountName", app, StringComparison.Ordinal);
        foreach (var secret in new[] { "Stripe__ApiKey", "Stripe__WebhookSecret", "PaymentIntake__IdSecret" })
        {
            Assert.Matches($@"name: '{secret}', value: '@Microsoft.KeyVault\(SecretUri=", app);
        }

        var anonymous = PaymentFunctions.LocalHost.FunctionCatalog.From(typeof(CompositionRoot).Assembly).Http
            .Where(f => f.AuthLevel == Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous)
            .Select(f => $"'/api/{f.Route}'")
            .ToList();
        Assert.True(anonymous.Count >= 3, string.Join(", ", anonymous));
        Assert.All(anonymous, route => Assert.Contains(route, app, StringComparison.Ordinal));
    }
}
