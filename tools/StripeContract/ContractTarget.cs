using System.Net.Http.Json;
using Stripe;

namespace StripeContract;

/// <summary>Where the sequences run: Stripe's test mode or the emulator. Both are reached through Stripe.net over HTTP.</summary>
public abstract class ContractTarget
{
    /// <summary>Column heading.</summary>
    public abstract string Name { get; }

    /// <summary>Stripe.net pointed at the target, with its own retries off.</summary>
    public abstract IStripeClient Client { get; }

    /// <summary>An open invoice of <paramref name="amount"/> minor units, as billing would have made it; returns its id.</summary>
    public abstract Task<string> OpenInvoiceAsync(long amount, CancellationToken cancellationToken);

    /// <summary>
    /// Stripe.net with retries off, against <paramref name="apiBase"/> (null: Stripe's own), at most 20 requests a
    /// second: under a sandbox's global limit of 25/s (docs.stripe.com/rate-limits), so no step is answered 429.
    /// </summary>
    protected static StripeClient NewClient(string key, string? apiBase) =>
        new(key, httpClient: new SystemNetHttpClient(new HttpClient(new PacingHandler(TimeSpan.FromSeconds(1.0 / 20)) { InnerHandler = new SocketsHttpHandler() }), maxNetworkRetries: 0), apiBase: apiBase);

    /// <summary>Spaces requests at least <paramref name="gap"/> apart, one after the other.</summary>
    private sealed class PacingHandler(TimeSpan gap) : DelegatingHandler
    {
        private readonly SemaphoreSlim _turn = new(1, 1);
        private DateTimeOffset _next = DateTimeOffset.MinValue;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_next - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                _next = DateTimeOffset.UtcNow + gap;
            }
            finally
            {
                _turn.Release();
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _turn.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>Stripe's test mode, with a test secret key (live keys are refused before any request).</summary>
public sealed class StripeTestMode : ContractTarget
{
    private readonly StripeClient _client;

    /// <summary>Creates the target; throws for anything but a test-mode secret or restricted key.</summary>
    public StripeTestMode(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith("sk_test_", StringComparison.Ordinal) && !key.StartsWith("rk_test_", StringComparison.Ordinal))
        {
            throw new ArgumentException("The contract check runs in test mode only: give a key starting sk_test_ or rk_test_, never a live key.", nameof(key));
        }

        _client = NewClient(key, null);
    }

    /// <inheritdoc />
    public override string Name => "stripe test mode";

    /// <inheritdoc />
    public override IStripeClient Client => _client;

    /// <inheritdoc />
    public override async Task<string> OpenInvoiceAsync(long amount, CancellationToken cancellationToken)
    {
        var customer = await new CustomerService(_client).CreateAsync(new CustomerCreateOptions { Description = "PaymentFunctions contract check" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var invoices = new InvoiceService(_client);
        var invoice = await invoices.CreateAsync(new InvoiceCreateOptions { Customer = customer.Id, CollectionMethod = "send_invoice", DaysUntilDue = 30, Currency = "usd" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await new InvoiceItemService(_client).CreateAsync(new InvoiceItemCreateOptions { Customer = customer.Id, Invoice = invoice.Id, Amount = amount, Currency = "usd" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (await invoices.FinalizeInvoiceAsync(invoice.Id, cancellationToken: cancellationToken).ConfigureAwait(false)).Id;
    }
}

/// <summary>A running Stripe emulator (the project's own, or one at a URL).</summary>
public sealed class EmulatorTarget(Uri baseUrl) : ContractTarget
{
    private readonly StripeClient _client = NewClient("sk_test_contract", baseUrl.ToString().TrimEnd('/'));

    /// <inheritdoc />
    public override string Name => "emulator";

    /// <inheritdoc />
    public override IStripeClient Client => _client;

    /// <inheritdoc />
    public override async Task<string> OpenInvoiceAsync(long amount, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var response = await http.PostAsJsonAsync("/_emulator/invoices", new { amountDue = amount, currency = "usd", status = "open" }, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("id").GetString()!;
    }
}
