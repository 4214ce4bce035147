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
        Assert.Equal(1, parameters.GetProperty("maximumInstanceCount").GetProperty("minValue").GetInt32());
        Assert.Equal(100, parameters.GetProperty("maximumInstanceCount").GetProperty("defaultValue").GetInt32());
        Assert.Equal(1, parameters.GetProperty("alwaysReadyHttpInstances").GetProperty("defaultValue").GetInt32());
        Assert.Equal(0, parameters.GetProperty("vendorRatePerSecond").GetProperty("defaultValue").GetInt32()); // the key's mode decides
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
            Assert.Matches($@"{secret}: '@Microsoft.KeyVault\(SecretUri=", app);
        }

        // Anonymous at the host: health, readiness, the webhook and the console's files are let through without a sign-in,
        // each by its exact path; the console's API is not (it has no function key, so the sign-in is all that guards it).
        var anonymous = PaymentFunctions.LocalHost.FunctionCatalog.From(typeof(CompositionRoot).Assembly).Http
            .Where(f => f.AuthLevel == Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous)
            .Select(f => f.Route!)
            .ToList();
        var consoleApi = anonymous.Where(r => r.StartsWith("console/api/", StringComparison.Ordinal)).ToList();
        var letThrough = anonymous.Except(consoleApi).Where(r => r != "console/{file}").Select(r => $"'/api/{r}'")
            .Concat(PaymentFunctions.OpsConsole.ConsoleAssets.Names.Select(name => $"'/api/console/{name}'"))
            .Append("'/api/console/'")
            .ToList();
        Assert.True(letThrough.Count >= 8, string.Join(", ", letThrough));
        Assert.Equal(11, consoleApi.Count);
        Assert.All(letThrough, path => Assert.Contains(path, app, StringComparison.Ordinal));
        Assert.All(consoleApi, route => Assert.DoesNotContain($"/api/{route}", app, StringComparison.Ordinal));
    }

    /// <summary>Key Vault references set before the identity may read the vault arrive as their literal text: the settings wait for the roles.</summary>
    [Fact]
    public async Task FunctionApp_AppliesItsSettingsOnlyAfterItsRoleAssignments()
    {
        var resources = new List<JsonElement>();
        Resources(await CompiledAsync(), resources);

        var settings = Assert.Single(resources, r => r.GetProperty("type").GetString() == "Microsoft.Web/sites/config" && r.GetProperty("name").GetString()!.Contains("appsettings", StringComparison.Ordinal));
        var dependsOn = settings.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()!).ToList();
        // The storage roles are a loop (named as such); the vault role is the assignment whose name derives from 'keyVaultSecretsUser'.
        Assert.Contains("storageRoles", dependsOn);
        Assert.Contains(dependsOn, d => d.Contains("'Microsoft.Authorization/roleAssignments'", StringComparison.Ordinal) && d.Contains("'keyVaultSecretsUser'", StringComparison.Ordinal));
        Assert.Contains("@Microsoft.KeyVault(", settings.GetProperty("properties").ToString(), StringComparison.Ordinal);
        var site = Assert.Single(resources, r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        Assert.DoesNotContain("KeyVault(", site.GetProperty("properties").ToString(), StringComparison.Ordinal);
    }

    /// <summary>Every resource of <paramref name="template"/> and its nested templates.</summary>
    private static void Resources(JsonElement template, List<JsonElement> found)
    {
        if (template.ValueKind != JsonValueKind.Object || !template.TryGetProperty("resources", out var resources))
        {
            return;
        }

        foreach (var resource in resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray().ToList() : resources.EnumerateObject().Select(p => p.Value).ToList())
        {
            found.Add(resource);
            if (resource.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("template", out var inner))
            {
                Resources(inner, found);
            }
        }
    }

    [Fact]
    public async Task FunctionApp_KeepsTheHttpGroupAlwaysReady()
    {
        var compiled = (await CompiledAsync()).ToString();

        Assert.Contains("'http'", compiled, StringComparison.Ordinal);
        Assert.Contains("alwaysReady", compiled, StringComparison.Ordinal);
        Assert.Contains("alwaysReadyHttpInstances", compiled, StringComparison.Ordinal);
    }

    /// <summary>
    /// Scheduled query rules take windows and frequencies from fixed lists, which neither bicep build nor lint checks:
    /// ARM refuses any other value and the whole deployment stops (the service's own error text, quoted in
    /// Azure/azure-rest-api-specs#21258). A 1-minute window goes only with a 1-minute frequency.
    /// </summary>
    [Fact]
    public async Task AlertRules_UseOnlyTheWindowsAndFrequenciesAzureAccepts()
    {
        string[] frequencies = ["PT1M", "PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H", "PT6H", "P1D"];
        string[] windows = ["PT1M", "PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H", "PT6H", "P1D", "P2D"];
        var rules = new List<(string Frequency, string Window)>();
        Collect(await CompiledAsync(), rules);

        Assert.True(rules.Count >= 5, $"Found {rules.Count} alert rules in the compiled template.");
        Assert.All(rules, rule =>
        {
            Assert.Contains(rule.Frequency, frequencies);
            Assert.Contains(rule.Window, windows);
            Assert.True(rule.Window != "PT1M" || rule.Frequency == "PT1M", $"window {rule.Window} with frequency {rule.Frequency}");
        });
    }

    /// <summary>Every scheduled query rule in <paramref name="template"/> and its nested templates, with a copy loop's values read from its variable.</summary>
    private static void Collect(JsonElement template, List<(string Frequency, string Window)> rules)
    {
        if (template.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (template.TryGetProperty("resources", out var resources))
        {
            var list = resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray().ToList() : resources.EnumerateObject().Select(p => p.Value).ToList();
            foreach (var resource in list)
            {
                if (resource.TryGetProperty("type", out var type) && type.GetString() == "Microsoft.Insights/scheduledQueryRules")
                {
                    var properties = resource.GetProperty("properties");
                    foreach (var frequency in Values(template, properties.GetProperty("evaluationFrequency").GetString()!, "evaluationFrequency"))
                    {
                        foreach (var window in Values(template, properties.GetProperty("windowSize").GetString()!, "windowSize"))
                        {
                            rules.Add((frequency, window));
                        }
                    }
                }

                if (resource.TryGetProperty("properties", out var nested) && nested.ValueKind == JsonValueKind.Object && nested.TryGetProperty("template", out var inner))
                {
                    Collect(inner, rules);
                }
            }
        }
    }

    /// <summary>A literal, or for <c>[variables('x')[copyIndex()].field]</c> every value of that field in variable x.</summary>
    private static IEnumerable<string> Values(JsonElement template, string value, string field)
    {
        var loop = System.Text.RegularExpressions.Regex.Match(value, @"^\[variables\('(\w+)'\)\[copyIndex\(\)\]\.(\w+)\]$");
        if (!loop.Success)
        {
            Assert.False(value.StartsWith('['), $"{field} is an expression this test cannot read: {value}");
            return [value];
        }

        return template.GetProperty("variables").GetProperty(loop.Groups[1].Value).EnumerateArray().Select(a => a.GetProperty(loop.Groups[2].Value).GetString()!).ToList();
    }
}
