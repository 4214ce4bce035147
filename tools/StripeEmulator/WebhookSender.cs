using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace StripeEmulator;

/// <summary>Sends Stripe-style signed events (<c>Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")</c>).</summary>
internal static class WebhookSender
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static string Sign(string payload, string secret, long timestamp)
    {
        var signed = timestamp.ToString(CultureInfo.InvariantCulture) + "." + payload;
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed));
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    public static string EventJson(string type, EmulatedPaymentIntent pi, long created, string apiVersion) => new JsonObject
    {
        ["id"] = "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
        ["object"] = "event",
        ["api_version"] = apiVersion,
        ["created"] = created,
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = StripeJson.PaymentIntent(pi) },
    }.ToJsonString();

    /// <summary>Delivers in the background, as Stripe does: the API answer does not wait for it.</summary>
    public static void Publish(EmulatorState state, string type, EmulatedPaymentIntent pi)
    {
        if (state.WebhookUrl is not { } url)
        {
            if (state.KeepEvents)
            {
                state.KeepEvent(pi, EventJson(type, pi, state.Time.GetUtcNow().ToUnixTimeSeconds(), state.ApiVersion));
            }

            return;
        }

        var now = state.Time.GetUtcNow().ToUnixTimeSeconds();
        var payload = EventJson(type, pi, now, state.ApiVersion);
        state.KeepEvent(pi, payload);
        var signature = Sign(payload, state.WebhookSecret, now);
        _ = Task.Run(async () =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                request.Headers.Add("Stripe-Signature", signature);
                using var response = await Http.SendAsync(request).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    state.CountWebhookDelivered();
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
        });
    }
}
