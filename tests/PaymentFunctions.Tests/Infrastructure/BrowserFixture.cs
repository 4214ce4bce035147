using Microsoft.Playwright;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright for .NET (Playwright's own browser download cannot run here):
/// <c>CHROMIUM_PATH</c>, else <c>/usr/bin/chromium</c> (<c>apt-get install chromium</c>, as <c>.ci/run</c> does). One
/// browser per test class; each test opens its own context (cookies, session storage) and closes it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go (kept as test output).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } given ? given : "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"No Chromium at {path}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH.");
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        // As root (CI containers) Chromium's sandbox cannot start.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = path, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
