using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests;

/// <summary>
/// <c>openapi.yaml</c> is what front-end teams generate clients from: it must parse as OpenAPI 3.1 without errors
/// and name exactly the HTTP routes and methods of functions.metadata (what Azure runs) and the problem types the
/// code answers with.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed partial class OpenApiTests(AzuriteFixture azurite)
{
    private static readonly string File = Path.Combine(InfraTests.RepositoryRoot, "openapi.yaml");

    private static async Task<OpenApiDocument> LoadAsync()
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        await using var stream = System.IO.File.OpenRead(File);
        var result = await OpenApiDocument.LoadAsync(stream, "yaml", settings);
        Assert.Empty(result.Diagnostic?.Errors ?? []);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic?.SpecificationVersion);
        return result.Document!;
    }

    [Fact]
    public async Task RoutesAndMethods_AreExactlyTheHttpTriggersOfFunctionsMetadata()
    {
        var document = await LoadAsync();
        using var metadata = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var triggers = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} /api/{b.GetProperty("route").GetString()}"))
            .Order(StringComparer.Ordinal);

        var described = document.Paths.SelectMany(p => p.Value.Operations!.Keys.Select(m => $"{m.Method.ToUpperInvariant()} {p.Key}")).Order(StringComparer.Ordinal);

        Assert.Equal(triggers, described);
    }

    [Fact]
    public async Task ProblemTypes_AreExactlyTheOnesTheCodeAnswersWith()
    {
        var document = await LoadAsync();
        var sources = Directory.EnumerateFiles(Path.Combine(InfraTests.RepositoryRoot, "functions"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(InfraTests.RepositoryRoot, "tools", "PaymentFunctions.LocalHost"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(System.IO.File.ReadAllText);
        var inCode = sources.SelectMany(s => ProblemType().Matches(s).Select(m => "https://paymentfunctions.dev/problems/" + m.Groups["name"].Value))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var described = document.Components!.Schemas!["Problem"].Properties!["type"].Enum!.Select(e => e!.GetValue<string>()).Order(StringComparer.Ordinal);

        Assert.True(inCode.Count >= 10, $"found only {inCode.Count} problem types in the code: the pattern no longer matches it");
        Assert.Equal(inCode, described);
    }

    [Fact]
    public async Task Readme_ListsTheSameProblemTypes()
    {
        var document = await LoadAsync();
        var readme = System.IO.File.ReadAllText(Path.Combine(InfraTests.RepositoryRoot, "README.md"));
        var listed = ReadmeProblemList().Match(readme).Groups["names"].Value.Split('|').Order(StringComparer.Ordinal);

        var described = document.Components!.Schemas!["Problem"].Properties!["type"].Enum!.Select(e => e!.GetValue<string>()["https://paymentfunctions.dev/problems/".Length..]).Order(StringComparer.Ordinal);

        Assert.Equal(described, listed);
    }

    [Fact]
    public async Task TheLocalHost_ServesTheFile()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var anonymous = new HttpClient { BaseAddress = system.Host.BaseUrl };

        using var response = await anonymous.GetAsync("/api/openapi.yaml");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await System.IO.File.ReadAllTextAsync(File), await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"(?:TypeBase \+ ""|https://paymentfunctions\.dev/problems/)(?<name>[a-z]+(?:-[a-z]+)*)")]
    private static partial Regex ProblemType();

    [GeneratedRegex(@"problems/\{(?<names>[a-z|-]+)\}")]
    private static partial Regex ReadmeProblemList();
}
