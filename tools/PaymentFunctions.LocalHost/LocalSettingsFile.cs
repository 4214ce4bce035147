using System.Text.Json;

namespace PaymentFunctions.LocalHost;

/// <summary>
/// Reads the <c>Values</c> of <c>local.settings.json</c> as <c>func start</c> does (<c>Stripe__ApiKey</c> becomes
/// <c>Stripe:ApiKey</c>), so one file configures both hosts. Looked for at <c>LocalHost:SettingsFile</c>, else
/// <c>local.settings.json</c> in the current directory, else <c>functions/PaymentFunctions/local.settings.json</c>
/// under it. Two values that point at emulators <c>func start</c> needs running are served by the local host's own:
/// <c>AzureWebJobsStorage=UseDevelopmentStorage=true</c> means its embedded Azurite, and a <c>Stripe__ApiBase</c> on
/// the loopback address means its embedded Stripe emulator, started on that address.
/// </summary>
public static class LocalSettingsFile
{
    /// <summary>Where the embedded Stripe emulator must listen (set from a loopback <c>Stripe__ApiBase</c>).</summary>
    public const string EmbeddedStripeUrlSetting = "LocalHost:EmbeddedStripeUrl";

    /// <summary>The file to read, or null when there is none.</summary>
    public static string? Find(string? configured, string currentDirectory)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : throw new FileNotFoundException($"LocalHost:SettingsFile names {configured}, which does not exist.", configured);
        }

        return new[] { Path.Combine(currentDirectory, "local.settings.json"), Path.Combine(currentDirectory, "functions", "PaymentFunctions", "local.settings.json") }
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The file's <c>Values</c> as configuration keys, with the two emulator values turned into the local host's own.</summary>
    public static Dictionary<string, string?> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} has no \"Values\" object (see functions/PaymentFunctions/local.settings.example.json).");
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values.EnumerateObject())
        {
            settings[value.Name.Replace("__", ":", StringComparison.Ordinal)] = value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : value.Value.GetRawText();
        }

        if (settings.TryGetValue("AzureWebJobsStorage", out var storage) && string.Equals(storage, "UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
        {
            settings.Remove("AzureWebJobsStorage"); // the embedded Azurite
        }

        if (settings.TryGetValue("Stripe:ApiBase", out var apiBase) && Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) && uri.IsLoopback)
        {
            settings[EmbeddedStripeUrlSetting] = uri.GetLeftPart(UriPartial.Authority);
        }

        return settings;
    }
}
