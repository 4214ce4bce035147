using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PaymentFunctions.OpsConsole;
using PaymentFunctions.Tests.Infrastructure;
using StripeEmulator;
using static Microsoft.Playwright.Assertions;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>
/// The operations console in a real browser (Debian's Chromium through Playwright), served by the app. On the local host
/// the operator signs in with the local ops key; on the real host, whose build has no App Service Authentication, the
/// browser sends the principal the platform would add after an Entra ID sign-in. Screenshots are kept as test output
/// (<see cref="BrowserFixture.ScreenshotDirectory"/>).
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class ConsoleScenarios(AzuriteFixture azurite, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToHaveTextOptions Refreshes = new() { Timeout = 60_000 };

    [Fact]
    public async Task When_the_vendor_fails_and_returns_Should_show_the_outage_within_a_refresh_and_then_its_end()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        await system.WaitForVendorStateAsync("up");
        var page = await SignInAsync(system, new() { Width = 1280, Height = 800 });
        await Expect(page.GetByTestId("vendor-state")).ToHaveTextAsync("up");

        system.Emulator.State.SetFault(FaultMode.ServerError);
        await system.WaitForVendorStateAsync("down", TimeSpan.FromSeconds(60));
        await Expect(page.GetByTestId("vendor-state")).ToHaveTextAsync("down", Refreshes);
        await Expect(page.Locator("#vendor-since")).ToContainTextAsync("since");
        await ScreenshotAsync(page, "dashboard-outage");

        system.Emulator.State.SetFault(FaultMode.None);
        await Expect(page.GetByTestId("vendor-state")).ToHaveTextAsync("up", Refreshes);
        await Expect(page.Locator("#vendor-since")).ToHaveTextAsync("");
        await ScreenshotAsync(page, "dashboard");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task When_an_operator_replays_a_poison_group_after_a_dry_run_Should_post_the_payment_once()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["Posting:MaxPostingAge"] = "00:00:02" });
        system.Emulator.State.SetFault(FaultMode.ServerError);
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        var poisoned = Assert.Single(await system.WaitForPoisonAsync(1));
        system.Emulator.State.SetFault(FaultMode.None);
        var page = await SignInAsync(system, new() { Width = 1280, Height = 800 });

        await page.GetByRole(AriaRole.Button, new() { Name = "Poison", Exact = true }).ClickAsync();
        var group = page.Locator($"#poison-groups tr[data-fingerprint='{poisoned.GetProperty("fingerprint").GetString()}']");
        await Expect(group).ToContainTextAsync("1");
        await group.GetByRole(AriaRole.Button, new() { NameRegex = new("^Dry run") }).ClickAsync();
        await Expect(page.Locator("#replay-plan-summary")).ToContainTextAsync("would put back 1 message(s) and skip 0");
        Assert.Equal("failed", (await system.GetPaymentAsync(paymentId)).GetProperty("status").GetString()); // a dry run moves nothing
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay…" }).ClickAsync();
        await Expect(page.Locator("#replay-dialog")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "poison-confirm");
        await page.Locator("#replay-dialog").GetByRole(AriaRole.Button, new() { Name = "Replay", Exact = true }).ClickAsync();

        await Expect(page.Locator("#replay-result")).ToHaveTextAsync("Replayed 1; skipped 0.");
        await system.WaitForStatusAsync(paymentId, "posted");
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
        await Expect(page.Locator("#poison-total")).ToHaveTextAsync("0 poisoned message(s)");

        // Audit: who did it, by name (the dry run and the replay).
        await page.GetByRole(AriaRole.Button, new() { Name = "Audit", Exact = true }).ClickAsync();
        var audit = page.Locator("#audit-entries tbody tr");
        await Expect(audit).ToHaveCountAsync(2);
        await Expect(audit.First).ToContainTextAsync("local-ops");
        await Expect(audit.First).ToContainTextAsync("poison.replay");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task When_a_batch_had_bad_lines_Should_list_it_and_show_each_rejected_line_with_its_reasons()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var csv = $"member_id,invoice_id,amount,check_number,received_date,payer_name\nM-1,in_console1,1.00,1,{DateTime.UtcNow:yyyy-MM-dd},Ann\n,in_console2,1.00,2,{DateTime.UtcNow:yyyy-MM-dd},<b>Bo</b>\n";
        system.Emulator.State.SeedInvoice("in_console1", 100);
        using (var upload = await system.Lockbox.PutAsync("/api/batches/console-day", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv")))
        {
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        }

        await BatchScenarios.ReportAsync(system, "console-day");
        var page = await SignInAsync(system, new() { Width = 1280, Height = 800 });

        await page.GetByRole(AriaRole.Button, new() { Name = "Batches", Exact = true }).ClickAsync();
        var row = page.Locator("#batch-list tr[data-batch='console-day']");
        await Expect(row).ToContainTextAsync("complete");
        await row.GetByRole(AriaRole.Button, new() { Name = "console-day" }).ClickAsync();
        var rejected = page.Locator("#batch-rejected tbody tr");
        await Expect(rejected).ToHaveCountAsync(1);
        await Expect(rejected.First).ToContainTextAsync("member_id is missing");
        await Expect(page.Locator("#batch-details")).ToContainTextAsync("accepted1");
        await ScreenshotAsync(page, "batch-report");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task When_a_member_calls_Should_find_the_payment_by_member_id_and_show_its_timeline_with_hostile_text_as_text()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        const string hostile = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), new { memberId = "M-CONSOLE-1", amount = 4560, currency = "usd", paymentMethodId = "pm_card_visa", description = hostile });
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        await system.WaitForStatusAsync(paymentId, "posted");
        var page = await SignInAsync(system, new() { Width = 390, Height = 844 }); // phone width

        await page.GetByRole(AriaRole.Button, new() { Name = "Payments", Exact = true }).ClickAsync();
        await page.GetByLabel("Payment id or member id").FillAsync("M-CONSOLE-1");
        await page.GetByLabel("Payment id or member id").PressAsync("Enter"); // by keyboard
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new(paymentId) }).ClickAsync();

        var timeline = page.Locator("#timeline li");
        await Expect(timeline.Last).ToHaveAttributeAsync("data-cause", "vendor-answer");
        Assert.Equal(["accepted", "claimed", "vendor-object-named", "vendor-answer"], await timeline.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.cause)"));
        await Expect(timeline.Last).ToContainTextAsync("posting → posted");
        await Expect(page.Locator("#payment-details")).ToContainTextAsync(hostile);
        Assert.Equal(0, await page.Locator("#payment-details img, #payment-details script").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        var wide = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '#' + e.id + '.' + e.className)");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at phone width: " + string.Join(", ", wide));
        await ScreenshotAsync(page, "payment-timeline-phone");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task When_the_console_is_served_Should_carry_a_strict_content_security_policy_and_no_framing()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var anonymous = new HttpClient { BaseAddress = system.Host.BaseUrl };

        using var index = await anonymous.GetAsync("/api/console/");
        using var script = await anonymous.GetAsync("/api/console/console.js");
        using var library = await anonymous.GetAsync("/api/console/chart.umd.min.js");
        using var missing = await anonymous.GetAsync("/api/console/secrets.json");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound), (index.StatusCode, script.StatusCode, library.StatusCode, missing.StatusCode));
        Assert.Equal(ServeConsole.ContentSecurityPolicy, string.Join(";", index.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("script-src 'self'", ServeConsole.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", ServeConsole.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", ServeConsole.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("DENY", index.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", script.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        var html = await index.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal); // no inline script: only <script src=…>
        Assert.DoesNotMatch(@"<[^>]*\son[a-z]+\s*=", html); // no inline event handler
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("https://", "", StringComparison.Ordinal), StringComparison.Ordinal); // nothing from another origin
    }

    [Fact]
    public async Task When_the_console_api_is_called_without_the_consoles_header_or_from_another_site_or_without_the_role_Should_answer_403()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var operatorClient = new HttpClient { BaseAddress = system.Host.BaseUrl };
        SignInAsOperator(system, operatorClient.DefaultRequestHeaders);

        using var noHeader = await operatorClient.GetAsync("/api/console/api/ops/status");
        using var crossSite = await SendAsync(operatorClient, HttpMethod.Post, "/api/console/api/ops/poison/replay", ("X-Console-Request", "1"), ("Sec-Fetch-Site", "cross-site"));
        using var own = await SendAsync(operatorClient, HttpMethod.Get, "/api/console/api/ops/status", ("X-Console-Request", "1"), ("Sec-Fetch-Site", "same-origin"));
        using var intake = new HttpClient { BaseAddress = system.Host.BaseUrl };
        if (TestSystem.Kind == HostKind.Real)
        {
            system.Host.SignInWithoutKey(intake.DefaultRequestHeaders, "local-intake");
        }
        else
        {
            intake.DefaultRequestHeaders.Add("x-functions-key", system.Host.GateKey("local-intake"));
        }

        using var wrongRole = await SendAsync(intake, HttpMethod.Get, "/api/console/api/ops/status", ("X-Console-Request", "1"));
        using var nobody = await SendAsync(new HttpClient { BaseAddress = system.Host.BaseUrl }, HttpMethod.Get, "/api/console/api/ops/status", ("X-Console-Request", "1"));

        Assert.Equal(
            (HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            (noHeader.StatusCode, crossSite.StatusCode, own.StatusCode, wrongRole.StatusCode, nobody.StatusCode));
        Assert.Equal(0, (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("poisonedMessages").GetInt32());
    }

    [Fact]
    public async Task When_the_platform_does_not_sign_callers_in_Should_refuse_the_console_api_even_with_a_principal()
    {
        // Without the platform's sign-in (App Service Authentication off; locally, the host told it is not the
        // platform) a principal could be forged: the console API must not trust any.
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { [ConsoleGate.PlatformSignInSetting] = "False" });
        using var client = new HttpClient { BaseAddress = system.Host.BaseUrl };
        SignInAsOperator(system, client.DefaultRequestHeaders);

        using var refused = await SendAsync(client, HttpMethod.Get, "/api/console/api/ops/status", ("X-Console-Request", "1"));
        using var keyed = await system.Admin.GetAsync("/api/ops/status");

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK), (refused.StatusCode, keyed.StatusCode));
        Assert.Contains(ConsoleGate.PlatformSignInSetting, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<IPage> SignInAsync(TestSystem system, ViewportSize viewport)
    {
        var options = new BrowserNewContextOptions { ViewportSize = viewport, BaseURL = system.Host.BaseUrl.ToString() };
        if (TestSystem.Kind == HostKind.Real)
        {
            // What App Service Authentication adds to every request after the operator's Entra ID sign-in.
            options.ExtraHTTPHeaders = new Dictionary<string, string> { [Http.CallerPrincipal.Header] = RealPrincipal("local-ops") };
        }

        var context = await browser.Browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync("/api/console");
        if (TestSystem.Kind != HostKind.Real)
        {
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
            await page.GetByLabel("Local operations key").FillAsync(system.Host.GateKey("local-ops"));
            await page.GetByLabel("Local operations key").PressAsync("Enter");
        }

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("in-flight-total")).Not.ToHaveTextAsync("…");
        Assert.Empty(errors);
        return page;
    }

    private static void SignInAsOperator(TestSystem system, System.Net.Http.Headers.HttpRequestHeaders headers)
    {
        if (TestSystem.Kind == HostKind.Real)
        {
            system.Host.SignInWithoutKey(headers, "local-ops");
        }
        else
        {
            headers.Add("x-functions-key", system.Host.GateKey("local-ops"));
        }
    }

    private static string RealPrincipal(string caller) => PaymentFunctions.RealHost.RealFunctionsHost.PrincipalHeader(caller, TestHosts.Callers[caller]);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(new { all = true, dryRun = true });
        }

        return await client.SendAsync(request);
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{name}-{TestSystem.Kind}.png".ToLowerInvariant()), FullPage = true });
}
