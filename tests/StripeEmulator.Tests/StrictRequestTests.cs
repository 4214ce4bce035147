using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Stripe;

namespace StripeEmulator.Tests;

/// <summary>Requests outside what Stripe accepts, over raw HTTP (as Stripe's curl examples send them).</summary>
public sealed class StrictRequestTests : IAsyncLifetime
{
    private StripeEmulatorServer _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _emulator = await StripeEmulatorServer.StartAsync();
        _http = new HttpClient { BaseAddress = _emulator.BaseUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_strict");
        _http.DefaultRequestHeaders.Add("Stripe-Version", StripeConfiguration.ApiVersion);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static KeyValuePair<string, string>[] Intent(params (string Key, string Value)[] extra) =>
        [new("amount", "1000"), new("currency", "usd"), new("allowed_payment_method_types[0]", "card"), .. extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value))];

    private static (string? Type, string? Code, string? Param) Error(JsonElement body)
    {
        var error = body.GetProperty("error");
        static string? Get(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;
        return (Get(error, "type"), Get(error, "code"), Get(error, "param"));
    }

    [Theory]
    [InlineData("foo", "bar", "parameter_unknown", "foo")]
    [InlineData("automatic_payment_methods[colour]", "red", "parameter_unknown", "automatic_payment_methods[colour]")]
    [InlineData("amount", "12.50", "parameter_invalid_integer", "amount")]
    [InlineData("description", "", "parameter_invalid_empty", "description")]
    [InlineData("amount", "49", "amount_too_small", "amount")] // docs.stripe.com/currencies: at least $0.50 in usd
    public async Task CreateIntent_BadParameter_Is400WithStripesCode(string name, string value, string code, string param)
    {
        var form = Intent().Where(f => f.Key != name).Append(new(name, value));

        var (status, body) = await PostAsync("/v1/payment_intents", form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("invalid_request_error", code, param), Error(body));
    }

    [Theory]
    [InlineData("description", "before\0after")]
    [InlineData("metadata[member_id]", "m\0")]
    public async Task CreateIntent_NullByte_Is400NeverA500_AndNotSavedUnderTheKey(string name, string value)
    {
        var (status, body) = await PostAsync("/v1/payment_intents", Intent((name, value)), key: "k-null-" + name);
        var retry = await PostAsync("/v1/payment_intents", Intent(), key: "k-null-" + name);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", Error(body).Type);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
    }

    [Fact]
    public async Task Search_NullByteInQuery_Is400()
    {
        using var response = await _http.GetAsync("/v1/payment_intents/search?query=metadata%5B%27payment_id%27%5D%3A%27a%00%27");

        var error = Error(await response.Content.ReadFromJsonAsync<JsonElement>());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("invalid_request_error", "query"), (error.Type, error.Param));
    }

    [Theory]
    [InlineData("metadata[a_key_that_is_longer_than_forty_characters_x]", "v", "metadata")]
    [InlineData("metadata[note]", null, "metadata[note]")]
    public async Task CreateIntent_MetadataOutsideStripesLimits_Is400(string name, string? value, string param)
    {
        // docs.stripe.com/metadata: keys up to 40 characters, values up to 500, at most 50 pairs.
        var (status, body) = await PostAsync("/v1/payment_intents", Intent((name, value ?? new string('x', 501))));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("invalid_request_error", param), (Error(body).Type, Error(body).Param));
    }

    [Fact]
    public async Task CreateIntent_FiftyOneMetadataKeys_Is400_AndFiftyAreFine()
    {
        var fifty = Enumerable.Range(0, 50).Select(i => ($"metadata[k{i}]", "v")).ToArray();

        var ok = await PostAsync("/v1/payment_intents", Intent(fifty));
        var refused = await PostAsync("/v1/payment_intents", Intent([.. fifty, ("metadata[k50]", "v")]));

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal((HttpStatusCode.BadRequest, "metadata"), (refused.Status, Error(refused.Body).Param));
    }

    [Theory]
    [InlineData("/v1/payment_intents", "amount")]
    [InlineData("/v1/payment_methods", "type")]
    public async Task Create_MissingRequiredParameter_Is400ParameterMissing(string path, string missing)
    {
        var (status, body) = await PostAsync(path, path.EndsWith("intents", StringComparison.Ordinal) ? Intent().Where(f => f.Key != missing) : [new("card[token]", "tok_visa")]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("invalid_request_error", "parameter_missing", missing), Error(body));
    }

    [Fact]
    public async Task CreateIntent_PaymentMethodTypesOnTheCurrentApiVersion_IsRefused()
    {
        var (status, body) = await PostAsync("/v1/payment_intents", [new("amount", "1000"), new("currency", "usd"), new("payment_method_types[0]", "card")]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("invalid_request_error", "payment_method_types_no_longer_supported", "payment_method_types"), Error(body));
    }

    [Fact]
    public async Task CreateIntent_AllowedTypesWithAutomaticPaymentMethods_IsRefused()
    {
        var (status, body) = await PostAsync("/v1/payment_intents", Intent(("automatic_payment_methods[enabled]", "true")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("allowed_payment_method_types", Error(body).Param);
    }

    [Fact]
    public async Task ConfirmAndCancel_UnknownParameters_AreRefused()
    {
        var (_, created) = await PostAsync("/v1/payment_intents", Intent(("payment_method", "pm_card_visa")));
        var id = created.GetProperty("id").GetString();

        var confirm = await PostAsync($"/v1/payment_intents/{id}/confirm", [new("amount", "5")]);
        var cancel = await PostAsync($"/v1/payment_intents/{id}/cancel", [new("cancellation_reason", "bored")]);

        Assert.Equal((HttpStatusCode.BadRequest, "parameter_unknown"), (confirm.Status, Error(confirm.Body).Code));
        Assert.Equal((HttpStatusCode.BadRequest, "cancellation_reason"), (cancel.Status, Error(cancel.Body).Param));
    }

    [Fact]
    public async Task ValidationError_IsNotSavedUnderItsKey()
    {
        var bad = await PostAsync("/v1/payment_intents", Intent(("amount", "x")).Where(f => !(f.Key == "amount" && f.Value == "1000")), key: "k-validation");
        var good = await PostAsync("/v1/payment_intents", Intent(), key: "k-validation");

        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(HttpStatusCode.OK, good.Status);
    }

    [Fact]
    public async Task SecretKey_AsHttpBasicUserName_IsAccepted_AndLiveKeysAreNot()
    {
        using var basic = new HttpClient { BaseAddress = _emulator.BaseUrl };
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("sk_test_curl:")));
        using var live = new HttpClient { BaseAddress = _emulator.BaseUrl };
        live.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("sk_live_real:")));

        using var ok = await basic.GetAsync("/v1/balance");
        using var refused = await live.GetAsync("/v1/balance");
        using var none = await new HttpClient { BaseAddress = _emulator.BaseUrl }.GetAsync("/v1/balance");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Theory]
    [InlineData("paid", HttpStatusCode.BadRequest)]
    [InlineData("void", HttpStatusCode.BadRequest)]
    [InlineData("draft", HttpStatusCode.BadRequest)]
    [InlineData("uncollectible", HttpStatusCode.OK)]
    [InlineData("open", HttpStatusCode.OK)]
    public async Task PayInvoice_ByStatus_AnswersAsStripeDoes(string invoiceStatus, HttpStatusCode expected)
    {
        var invoice = _emulator.State.SeedInvoice(null, 45600, "usd", invoiceStatus);

        var (status, body) = await PostAsync($"/v1/invoices/{invoice.Id}/pay", [new("paid_out_of_band", "true")]);

        Assert.Equal(expected, status);
        Assert.Equal(expected == HttpStatusCode.OK ? "paid" : invoiceStatus, invoice.Status);
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("invalid_request_error", Error(body).Type);
        }
    }
}
