using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace StripeEmulator;

/// <summary>
/// A local stand-in for the Stripe API, good enough for Stripe.net to work against it unchanged.
/// Runs in-process (tests, local host) or alone (<c>dotnet run</c>).
/// </summary>
public sealed class StripeEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StripeEmulatorServer(WebApplication app, EmulatorState state, Uri baseUrl)
    {
        _app = app;
        State = state;
        BaseUrl = baseUrl;
        state.BaseUrl = baseUrl;
    }

    /// <summary>The base URL to give Stripe.net as its API base, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The emulator's state: payment intents, ledger, faults. Tests may read and steer it directly.</summary>
    public EmulatorState State { get; }

    /// <summary>Starts the emulator on <paramref name="url"/> (port 0 picks a free port).</summary>
    public static async Task<StripeEmulatorServer> StartAsync(string url = "http://127.0.0.1:0", TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var state = new EmulatorState(timeProvider ?? TimeProvider.System);
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        app.Use(AnswerFailuresAsStripeDoes);
        StripeApi.Map(app);
        ControlApi.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StripeEmulatorServer(app, state, new Uri(address));
    }

    /// <summary>
    /// A failure inside the emulator is answered as Stripe answers its own: 500 with an <c>api_error</c> body
    /// (docs.stripe.com/error-handling), never an empty response a client cannot tell from a dropped connection.
    /// </summary>
    private static async Task AnswerFailuresAsStripeDoes(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.Response.Clear();
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(StripeJson.Error("api_error", $"An unknown error occurred in the emulator ({ex.GetType().Name}: {ex.Message}).").ToJsonString(), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
