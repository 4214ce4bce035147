using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using PaymentFunctions.LocalHost;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.LocalHost;

/// <summary>local.settings.json configures the local host as it configures func start.</summary>
[Collection(EndToEnd.Name)]
public sealed class LocalSettingsFileTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("localsettings").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(object values)
    {
        var path = Path.Combine(_directory, "local.settings.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { IsEncrypted = false, Values = values }));
        return path;
    }

    [Fact]
    public void Read_TurnsDoubleUnderscoresIntoSections_AndTheEmulatorValuesIntoTheHostsOwn()
    {
        var settings = LocalSettingsFile.Read(Write(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Stripe__ApiBase"] = "http://127.0.0.1:12111",
            ["Posting__MaxPostingAge"] = "01:00:00",
        }));

        Assert.False(settings.ContainsKey("AzureWebJobsStorage"));
        Assert.Equal("01:00:00", settings["Posting:MaxPostingAge"]);
        Assert.Equal("http://127.0.0.1:12111", settings[LocalSettingsFile.EmbeddedStripeUrlSetting]);
    }

    [Fact]
    public void Find_PrefersTheConfiguredFile_ThenTheCurrentDirectory_ThenTheFunctionApp()
    {
        var appDirectory = Directory.CreateDirectory(Path.Combine(_directory, "functions", "PaymentFunctions")).FullName;
        File.WriteAllText(Path.Combine(appDirectory, "local.settings.json"), "{}");

        Assert.Equal(Path.Combine(appDirectory, "local.settings.json"), LocalSettingsFile.Find(null, _directory));
        Assert.Equal(Write(new { }), LocalSettingsFile.Find(null, _directory));
        Assert.Throws<FileNotFoundException>(() => LocalSettingsFile.Find(Path.Combine(_directory, "missing.json"), _directory));
    }

    [Fact]
    public async Task TheLocalHost_RunsOnTheFilesValues_WithItsEmulatorWhereTheFileSaysStripeIs()
    {
        var port = FreePort();
        var prefix = TestStorage.NewPrefix();
        var file = Write(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Stripe__ApiKey"] = "sk_test_emulator",
            ["Stripe__ApiBase"] = $"http://127.0.0.1:{port}",
            ["Stripe__WebhookSecret"] = "whsec_from_the_file",
            ["Stripe__ReturnUrl"] = "http://127.0.0.1/payments/return",
            ["PaymentIntake__IdSecret"] = "an-id-secret-from-local-settings-json-of-32-chars",
            ["PaymentIntake__NamePrefix"] = prefix,
        });

        try
        {
            await using var host = await LocalFunctionsHost.StartAsync([], new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0", ["LocalHost:SettingsFile"] = file });
            using var client = new HttpClient { BaseAddress = host.BaseUrl };
            client.DefaultRequestHeaders.Add("x-functions-key", host.Keys.KeyOf("local-intake"));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments") { Content = JsonContent.Create(TestSystem.Payment()) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await client.SendAsync(request);
            var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
            await Poll.UntilAsync(
                () => client.GetFromJsonAsync<JsonElement>($"/api/payments/{paymentId}"),
                p => p.GetProperty("status").GetString() == "posted",
                TimeSpan.FromSeconds(30),
                p => $"The payment is {p.GetProperty("status").GetString()}, not posted.");

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal(port, host.Emulator!.BaseUrl.Port);
            Assert.Equal("whsec_from_the_file", host.Emulator.State.WebhookSecret);
            Assert.Equal(1, host.Emulator.State.ChargesFor(paymentId));
        }
        finally
        {
            await TestStorage.DeleteAsync(azurite.ConnectionString, prefix);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
