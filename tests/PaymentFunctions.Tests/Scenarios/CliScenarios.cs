using System.Net.Http.Json;
using System.Text.Json;
using PaymentCtl;
using PaymentFunctions.Tests.Infrastructure;
using StripeEmulator;

namespace PaymentFunctions.Tests.Scenarios;

/// <summary>
/// paymentctl run in-process against the local host over HTTP. Local only: paymentctl authenticates with a key, which
/// the local host maps to a caller; on Azure the caller comes from an Entra ID sign-in that this real host build
/// (no Easy Auth) cannot give it, so on the real host every call would be 403 by design.
/// </summary>
[Collection(EndToEnd.Name)]
[Trait("Host", TestHosts.LocalOnly)]
public sealed class CliScenarios(AzuriteFixture azurite)
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(TestSystem system, string key, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--url", system.Host.BaseUrl.ToString(), "--key", key], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task When_status_is_asked_Should_print_the_vendor_and_queues_as_a_table_or_json()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        await system.WaitForVendorStateAsync("up");

        var (code, output, _) = await RunAsync(system, system.Host.GateKey("local-ops"), "status");
        var (jsonCode, json, _) = await RunAsync(system, system.Host.GateKey("local-ops"), "status", "--json");

        Assert.Equal(0, code);
        Assert.Contains("vendor", output, StringComparison.Ordinal);
        Assert.Contains("up", output, StringComparison.Ordinal);
        Assert.Contains("queue payments-poison", output, StringComparison.Ordinal);
        Assert.Contains("finished in the last 24 h", output, StringComparison.Ordinal);
        Assert.Equal(0, jsonCode);
        Assert.Equal("up", JsonDocument.Parse(json).RootElement.GetProperty("vendor").GetProperty("state").GetString());
    }

    [Fact]
    public async Task When_poison_is_listed_shown_and_replayed_Should_work_end_to_end()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["Posting:MaxPostingAge"] = "00:00:02" });
        system.Emulator.State.SetFault(FaultMode.ServerError);
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        var poisoned = Assert.Single(await system.WaitForPoisonAsync(1));
        var id = poisoned.GetProperty("id").GetString()!;
        system.Emulator.State.SetFault(FaultMode.None);
        var admin = system.Host.GateKey("local-ops");

        var list = await RunAsync(system, admin, "poison", "list");
        var show = await RunAsync(system, admin, "poison", "show", id);
        var dry = await RunAsync(system, admin, "poison", "replay", "--all", "--dry-run");
        var real = await RunAsync(system, admin, "poison", "replay", "--id", id, "--json");

        Assert.Equal(0, list.ExitCode);
        Assert.Contains(id, list.Output, StringComparison.Ordinal);
        Assert.Contains("vendor_unavailable", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains(paymentId, show.Output, StringComparison.Ordinal);
        Assert.Contains("would replay", dry.Output, StringComparison.Ordinal);
        Assert.Equal(0, real.ExitCode);
        Assert.Equal(id, JsonDocument.Parse(real.Output).RootElement.GetProperty("replayed")[0].GetString());
        await system.WaitForStatusAsync(paymentId, "posted");

        var payment = await RunAsync(system, system.Host.GateKey("local-intake"), "payment", "show", paymentId);
        Assert.Equal(0, payment.ExitCode);
        Assert.Contains("posted", payment.Output, StringComparison.Ordinal);
        Assert.Contains("456.00 USD", payment.Output, StringComparison.Ordinal);
        Assert.Equal(1, system.Emulator.State.ChargesFor(paymentId));
    }

    [Fact]
    public async Task When_a_member_calls_Should_list_their_payments_and_print_a_payments_history()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment(memberId: "M-CLI-7", amount: 1234));
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        await system.WaitForStatusAsync(paymentId, "posted");
        var admin = system.Host.GateKey("local-ops");

        var list = await RunAsync(system, admin, "payment", "list", "--member", "M-CLI-7");
        var history = await RunAsync(system, admin, "payment", "history", paymentId);
        var json = await RunAsync(system, admin, "payment", "history", paymentId, "--json");
        var bad = await RunAsync(system, admin, "payment", "list", "--member", "M CLI");

        Assert.Equal(0, list.ExitCode);
        Assert.Contains(paymentId, list.Output, StringComparison.Ordinal);
        Assert.Contains("12.34 USD", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, history.ExitCode);
        Assert.Contains("claimed", history.Output, StringComparison.Ordinal);
        Assert.Contains("vendor-answer", history.Output, StringComparison.Ordinal);
        Assert.Contains("intake:local-intake", history.Output, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        Assert.Equal("posted", JsonDocument.Parse(json.Output).RootElement.GetProperty("moves").EnumerateArray().Last().GetProperty("to").GetString());
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("memberId", bad.Output + bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_deadlines_are_asked_Should_print_each_deadline_with_its_counts()
    {
        var localNow = DateTime.UtcNow;
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Deadlines:Calendar:0:Name"] = "sunday",
            ["Deadlines:Calendar:0:CoverageStart"] = DateOnly.FromDateTime(localNow.AddDays(30)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["Deadlines:Calendar:0:PayBy"] = localNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        });
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        await system.WaitForStatusAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!, "posted");
        await Poll.UntilAsync(
            () => system.Admin.GetFromJsonAsync<JsonElement>("/api/ops/deadlines"),
            r => r.GetProperty("deadlines")[0].GetProperty("total").GetProperty("posted").GetInt64() == 1,
            TimeSpan.FromSeconds(30),
            r => $"not counted: {r}");

        var table = await RunAsync(system, system.Host.GateKey("local-ops"), "deadlines");
        var json = await RunAsync(system, system.Host.GateKey("local-ops"), "deadlines", "--json");

        Assert.Equal((0, 0), (table.ExitCode, json.ExitCode));
        Assert.Contains("sunday", table.Output, StringComparison.Ordinal);
        Assert.Contains("Met per local day", table.Output, StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(json.Output).RootElement.GetProperty("deadlines")[0].GetProperty("total").GetProperty("allPosted").GetBoolean());
    }

    [Fact]
    public async Task When_a_window_is_reconciled_Should_wait_for_the_report_print_it_and_exit_1_on_a_mismatch()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var from = DateTimeOffset.UtcNow.AddSeconds(-2);
        using var response = await system.SubmitAsync(Guid.NewGuid().ToString(), TestSystem.Payment());
        var paymentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentId").GetString()!;
        await system.WaitForStatusAsync(paymentId, "posted");
        var key = system.Host.GateKey("local-ops");
        var window = new[] { "--from", from.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--to", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };

        var clean = await RunAsync(system, key, ["reconcile", .. window]);
        var foreign = await system.StripeIntents.ConfirmAsync((await system.StripeIntents.CreateAsync(new Stripe.PaymentIntentCreateOptions { Amount = 1000, Currency = "usd", PaymentMethod = "pm_card_visa", AllowedPaymentMethodTypes = ["card"] })).Id);
        window[3] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var mismatched = await RunAsync(system, key, ["reconcile", .. window, "--json"]);
        Assert.True(mismatched.ExitCode == 1, $"exit {mismatched.ExitCode}: {mismatched.Error}{mismatched.Output}");
        var id = JsonDocument.Parse(mismatched.Output).RootElement.GetProperty("reconciliationId").GetString()!;
        var list = await RunAsync(system, key, "reconcile", "list", "--json");
        var usage = await RunAsync(system, key, "reconcile");

        Assert.Equal((0, 1, 0, 2), (clean.ExitCode, mismatched.ExitCode, list.ExitCode, usage.ExitCode));
        Assert.Contains("matched", clean.Output, StringComparison.Ordinal);
        Assert.Equal(foreign.Id, JsonDocument.Parse(mismatched.Output).RootElement.GetProperty("mismatches")[0].GetProperty("stripeObject").GetString());
        Assert.Equal(id, JsonDocument.Parse(list.Output).RootElement.GetProperty("reconciliations")[0].GetProperty("reconciliationId").GetString());
    }

    [Fact]
    public async Task When_a_batch_with_bad_lines_is_uploaded_Should_print_the_report_and_exit_1_and_show_it_again()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        system.Emulator.State.SeedInvoice("in_bad001", 10000);
        var file = Path.Combine(AppContext.BaseDirectory, "Batches", "lockbox-bad-lines.csv");
        var key = system.Host.GateKey("local-lockbox");

        var upload = await RunAsync(system, key, "batch", "upload", file);
        var again = await RunAsync(system, key, "batch", "upload", file, "--json");
        var show = await RunAsync(system, key, "batch", "show", "lockbox-bad-lines");

        Assert.Equal(1, upload.ExitCode);
        Assert.Contains("Rejected lines", upload.Output, StringComparison.Ordinal);
        Assert.Contains("amount \"12.345\" has more than 2 decimals (usd)", upload.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("lockbox-bad-lines", JsonDocument.Parse(again.Output).RootElement.GetProperty("batchId").GetString());
        Assert.Equal(1, show.ExitCode);
        Assert.Contains("lockbox-bad-lines", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_large_batch_is_uploaded_without_waiting_Should_show_upload_progress_and_exit_0_once_accepted()
    {
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:QueuePump"] = "false" });
        var file = Path.Combine(Path.GetTempPath(), $"lockbox-large-{Guid.NewGuid():N}.csv");
        var padding = new string('x', 150);
        await File.WriteAllLinesAsync(file, new[] { "member_id,invoice_id,amount,check_number,received_date,payer_name" }
            .Concat(Enumerable.Range(1, 6_000).Select(i => $"M-{i},in_{i},1.00,{i},2013-12-22,{padding}")));
        try
        {
            // The queue pump is off: the batch is accepted (202) and waits for processing, so the CLI must not wait.
            var upload = await RunAsync(system, system.Host.GateKey("local-lockbox"), "batch", "upload", file, "--batch-id", "large", "--no-wait");

            Assert.Equal(0, upload.ExitCode);
            Assert.Contains("uploaded 100%", upload.Error, StringComparison.Ordinal);
            Assert.Contains("6000", upload.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task When_the_key_is_wrong_Should_exit_4_with_a_clear_error()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        var (code, _, error) = await RunAsync(system, system.Host.GateKey("local-intake"), "status");

        Assert.Equal(4, code);
        Assert.Contains("refused the key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_payment_is_unknown_Should_exit_5()
    {
        await using var system = await TestSystem.StartAsync(azurite);

        var (code, _, error) = await RunAsync(system, system.Host.GateKey("local-ops"), "payment", "show", "pay_00000000000000000000000000000000");

        Assert.Equal(5, code);
        Assert.Contains("404", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_server_refuses_the_request_Should_exit_7_and_with_json_print_its_problem_on_stderr()
    {
        await using var system = await TestSystem.StartAsync(azurite);
        var file = Path.Combine(AppContext.BaseDirectory, "Batches", "lockbox-missing-column.csv");
        var key = system.Host.GateKey("local-lockbox");

        var text = await RunAsync(system, key, "batch", "upload", file);
        var json = await RunAsync(system, key, "batch", "upload", file, "--json");
        var unreachable = await CliAppJsonErrorAsync();

        Assert.Equal((7, 7), (text.ExitCode, json.ExitCode));
        Assert.StartsWith("paymentctl: 400", text.Error, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(json.Error).RootElement;
        Assert.Equal(("https://paymentfunctions.dev/problems/validation", 400), (problem.GetProperty("type").GetString(), problem.GetProperty("status").GetInt32()));
        Assert.Equal(3, JsonDocument.Parse(unreachable).RootElement.GetProperty("exitCode").GetInt32());
    }

    private static async Task<string> CliAppJsonErrorAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        await CliApp.RunAsync(["status", "--json", "--url", "http://127.0.0.1:1", "--key", "k"], output, error);
        return error.ToString();
    }

    [Fact]
    public async Task When_the_host_is_unreachable_Should_exit_3()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CliApp.RunAsync(["status", "--url", "http://127.0.0.1:1", "--key", "k"], output, error);

        Assert.Equal(3, code);
        Assert.Contains("Cannot reach", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("poison", "replay")]
    [InlineData("poison", "replay", "--all", "--fingerprint", "fp_1")]
    [InlineData("no-such-command")]
    public async Task When_the_command_line_is_wrong_Should_exit_2(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CliApp.RunAsync([.. args, "--url", "http://127.0.0.1:1"], output, error);

        Assert.Equal(2, code);
        Assert.NotEmpty(error.ToString());
    }
}
