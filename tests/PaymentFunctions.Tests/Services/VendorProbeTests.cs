using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Posting.Circuit;
using StripeEmulator;

namespace PaymentFunctions.Tests.Services;

/// <summary>The probe alone against the emulator: a refused key is a misconfiguration operators must fix, not an outage.</summary>
[Collection(EndToEnd.Name)]
public sealed class VendorProbeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ProbeAsync_KeyRefusedForTheBalance_IsMisconfiguredNotDown_UntilStripeAnswers()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var circuit = core.Get<VendorCircuitStore>();
        core.Emulator.State.SetFault(FaultMode.PermissionError, pathEndsWith: "/v1/balance"); // a restricted key without Balance read

        var answered = await core.Get<VendorProbe>().ProbeAsync(CancellationToken.None);
        var refused = await circuit.GetAsync(CancellationToken.None);
        core.Emulator.State.SetFault(FaultMode.None);
        var answeredAgain = await core.Get<VendorProbe>().ProbeAsync(CancellationToken.None);
        var fixedState = await circuit.GetAsync(CancellationToken.None);

        Assert.False(answered);
        Assert.Equal(("misconfigured", CircuitState.Closed), (VendorState.Of(refused), refused.State));
        Assert.NotNull(refused.MisconfiguredSince);
        Assert.True(answeredAgain);
        Assert.Equal(("up", (DateTimeOffset?)null), (VendorState.Of(fixedState), fixedState.MisconfiguredSince));
    }

    [Fact]
    public async Task ProbeAsync_Throttled_IsAnAnswer_NotAFailure()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var circuit = core.Get<VendorCircuitStore>();
        core.Emulator.State.SetFault(FaultMode.RateLimit, pathEndsWith: "/v1/balance");

        var answers = new List<bool>();
        for (var i = 0; i < 6; i++) // more than Posting:CircuitFailureThreshold (5)
        {
            answers.Add(await core.Get<VendorProbe>().ProbeAsync(CancellationToken.None));
        }

        var state = await circuit.GetAsync(CancellationToken.None);
        Assert.All(answers, Assert.True);
        Assert.Equal(6, core.Emulator.State.FaultsServed);
        Assert.Equal(("up", CircuitState.Closed, 0), (VendorState.Of(state), state.State, state.ConsecutiveFailures));
    }
}
