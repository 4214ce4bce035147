using Stripe;

namespace StripeEmulator.Tests;

/// <summary>Stripe.net pointed at an emulator, as the app points it: over HTTP, with its own retries off.</summary>
internal static class StripeNetClient
{
    public static StripeClient For(StripeEmulatorServer emulator, string key = "sk_test_emulator") =>
        new(key, httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: emulator.BaseUrl.ToString().TrimEnd('/'));
}
