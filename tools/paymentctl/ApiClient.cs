using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PaymentCtl;

/// <summary>The PaymentFunctions HTTP API, as the same calls work against Azure and the local host.</summary>
internal sealed class ApiClient(HttpClient http, Uri baseUrl)
{
    public async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, path));
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonElement> PostJsonAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, path)) { Content = JsonContent.Create(body) };
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(baseUrl, path)) { Content = content };
        using var response = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await ReadAsync(response, cancellationToken).ConfigureAwait(false));
    }

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? body : throw Failure(response.StatusCode, body);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                response.Dispose();
                throw new CliException(ExitCodes.Unauthorized, $"{baseUrl} refused the key ({(int)response.StatusCode}). Pass a key whose caller has the operations role (for batches: lockbox) with --key or PAYMENTCTL_KEY.");
            }

            return response;
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ExitCodes.Unreachable, $"Cannot reach {baseUrl}: {ex.Message}. Check --url or PAYMENTCTL_URL.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"{baseUrl} did not answer in time.");
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.ServerError, $"The server answered {(int)response.StatusCode} with something that is not JSON.");
        }
    }

    private static CliException Failure(HttpStatusCode status, JsonElement problem)
    {
        var title = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("title", out var t) ? t.GetString() : null;
        var detail = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        var message = string.Join(" ", new[] { $"{(int)status}", title, detail }.Where(s => !string.IsNullOrEmpty(s)));
        if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            message += Environment.NewLine + string.Join(Environment.NewLine, errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => $"  {e.Name}: {m.GetString()}")));
        }

        return new CliException(status switch
        {
            HttpStatusCode.NotFound => ExitCodes.NotFound,
            >= HttpStatusCode.InternalServerError => ExitCodes.ServerError,
            _ => ExitCodes.Refused,
        }, message, problem.ValueKind == JsonValueKind.Object ? problem : null);
    }
}
