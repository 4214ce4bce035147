using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>Input as an attacker or a careless client sends it: card numbers, wrong media types, huge bodies.</summary>
[Collection(EndToEnd.Name)]
public sealed class HostileInputScenarios(AzuriteFixture azurite)
{
    private const string Pan = "4242424242424242";

    private static HttpRequestMessage Post(string path, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    [Fact]
    public async Task When_card_numbers_are_sent_in_any_field_Should_refuse_each_and_store_send_or_keep_none()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        object[] bodies =
        [
            new { memberId = Pan, amount = 100, currency = "usd", paymentMethodId = "pm_card_visa" },
            new { memberId = "M-1", amount = 100, currency = "usd", paymentMethodId = "pm_card_visa", description = "Card 4242 4242 4242 4242" },
            new { memberId = "M-1", amount = 100, currency = "usd", paymentMethodId = "pm_card_visa", invoiceId = $"in_{Pan}" },
        ];
        foreach (var body in bodies)
        {
            using var response = await system.Client.SendAsync(Post("/api/payments", JsonContent.Create(body)));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain("4242", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // In a lockbox file the line is rejected on its own and the stored copy masks the number (but its last four).
        var csv = $"member_id,invoice_id,amount,check_number,received_date,payer_name\nM-2,in_2,1.00,7,{DateTime.UtcNow:yyyy-MM-dd},Card 4242 4242 4242 4242\n";
        using (var batch = await system.Lockbox.PutAsync("/api/batches/with-card", new StringContent(csv, Encoding.UTF8, "text/csv")))
        {
            Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
            Assert.DoesNotContain("4242 4242", await batch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var report = await BatchScenarios.ReportAsync(system, "with-card");
        Assert.Equal(0, report.GetProperty("acceptedCount").GetInt32());
        Assert.DoesNotContain("4242", report.GetRawText(), StringComparison.Ordinal);

        // A good payment goes all the way, so that every table and the vendor saw traffic.
        using var accepted = await system.SubmitAsync(Guid.NewGuid().ToString(), new { memberId = "M-3", amount = 4200, currency = "usd", paymentMethodId = "pm_card_visa", description = "Premium Q1" });
        var paymentId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        await system.WaitForStatusAsync(paymentId, "posted");

        var stored = await EverythingStoredAsync(system);
        Assert.Contains(paymentId, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Pan, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("4242 4242 4242 4242", stored, StringComparison.Ordinal);
        // The vendor saw no card number either (not "4242" alone: an intent's random id may hold it, as one CI run's did).
        Assert.All(system.Emulator.State.PaymentIntentsFor(paymentId), intent =>
        {
            var sent = JsonSerializer.Serialize(intent);
            Assert.DoesNotContain(Pan, sent, StringComparison.Ordinal);
            Assert.DoesNotContain("4242 4242", sent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task When_a_payment_is_not_sent_as_json_Should_answer_415()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        foreach (var mediaType in new[] { "text/plain", "application/x-www-form-urlencoded", null })
        {
            var content = new StringContent(JsonSerializer.Serialize(TestSystem.Payment()), Encoding.UTF8);
            content.Headers.ContentType = mediaType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);

            using var response = await system.Client.SendAsync(Post("/api/payments", content));

            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{mediaType ?? "(no type)"}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("/api/payments", 16 * 1024, false)]
    [InlineData("/api/payments", 16 * 1024, true)]
    [InlineData("/api/webhooks/stripe", 64 * 1024, true)]
    public async Task When_a_body_is_over_its_limit_Should_answer_413_while_reading(string path, int limit, bool chunked)
    {
        await using var system = await TestSystem.StartAsync(azurite, webhooks: path.Contains("webhooks", StringComparison.Ordinal));
        var json = $$"""{"memberId":"M-1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","description":"{{new string('x', limit)}}"}""";
        HttpContent content = chunked
            ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            : new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = Post(path, content);
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await system.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains($"{limit:N0} bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_string_holds_a_lone_surrogate_or_a_nul_Should_answer_400_naming_the_field()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        foreach (var body in new[]
        {
            """{"memberId":"M-1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","description":"\ud83d"}""",
            """{"memberId":"M-1","amount":100,"currency":"usd","paymentMethodId":"pm_card_visa","description":"a\u0000b"}""",
        })
        {
            using var response = await system.Client.SendAsync(Post("/api/payments", new StringContent(body, Encoding.UTF8, "application/json")));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("description", out _));
        }
    }

    /// <summary>Every entity of every table and every blob of the test's storage, as text.</summary>
    private static async Task<string> EverythingStoredAsync(TestSystem system)
    {
        var text = new StringBuilder();
        var tables = new TableServiceClient(system.Storage);
        await foreach (var table in tables.QueryAsync($"TableName ge '{system.Prefix}' and TableName lt '{system.Prefix}~'"))
        {
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                text.AppendLine(JsonSerializer.Serialize(entity));
            }
        }

        var blobs = new BlobServiceClient(system.Storage);
        await foreach (var container in blobs.GetBlobContainersAsync(prefix: system.Prefix))
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                text.AppendLine((await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
            }
        }

        return text.ToString();
    }
}
