using StripeContract;

namespace StripeEmulator.Tests;

/// <summary>The contract check (tools/StripeContract) against the emulator: every answer as Stripe documents it.</summary>
public sealed class ContractCheckTests
{
    [Fact]
    public async Task ContractCheck_AgainstTheEmulator_AnswersAsDocumented()
    {
        await using var emulator = await StripeEmulatorServer.StartAsync();
        var target = new EmulatorTarget(emulator.BaseUrl);

        var rows = await ContractCheck.RunAsync([target]);
        using var output = new StringWriter();
        var differences = ContractCheck.Print(rows, [target.Name], output);

        Assert.True(rows.Count >= 20, $"Only {rows.Count} steps ran.");
        Assert.True(differences == 0, output.ToString());
        Assert.Contains("35 steps, every answer as documented.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContractCheck_ATargetThatAnswersOtherwise_IsFlagged()
    {
        await using var emulator = await StripeEmulatorServer.StartAsync();
        emulator.State.SetFault(FaultMode.ServerError, count: 1, pathEndsWith: "/payment_intents");
        var target = new EmulatorTarget(emulator.BaseUrl);

        var rows = await ContractCheck.RunAsync([target]);
        using var output = new StringWriter();

        // The first create answers 500; the confirm that needed its intent is skipped: both are flagged.
        Assert.Equal(2, ContractCheck.Print(rows, [target.Name], output));
        Assert.Contains("500 api_error", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("(skipped: an earlier step failed)", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sk_live_abc")]
    [InlineData("rk_live_abc")]
    [InlineData("pk_test_abc")]
    public void StripeTestMode_AnythingButATestSecretKey_IsRefused(string key) =>
        Assert.Throws<ArgumentException>(() => new StripeTestMode(key));
}
