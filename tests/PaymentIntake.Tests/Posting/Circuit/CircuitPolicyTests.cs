using PaymentIntake.Posting.Circuit;

namespace PaymentIntake.Tests;

public sealed class CircuitPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public void Admit_Closed_Allowed() =>
        Assert.IsType<Admission.Allowed>(CircuitPolicy.Admit(CircuitState.Initial, Now, Lease));

    [Fact]
    public void OnFailure_BelowThreshold_StaysClosedAndCounts()
    {
        var state = CircuitPolicy.OnFailure(CircuitState.Initial, Now, failureThreshold: 3, Break);

        Assert.Equal(CircuitState.Closed, state.State);
        Assert.Equal(1, state.ConsecutiveFailures);
    }

    [Fact]
    public void OnFailure_AtThreshold_OpensForTheBreak()
    {
        var state = CircuitState.Initial;
        for (var i = 0; i < 3; i++)
        {
            state = CircuitPolicy.OnFailure(state, Now, failureThreshold: 3, Break);
        }

        Assert.Equal(CircuitState.Open, state.State);
        Assert.Equal(Now + Break, state.OpenUntil);
        Assert.Equal(Now, state.DownSince);
    }

    [Fact]
    public void OnFailure_SamePaymentAgain_IsNotANewWitness()
    {
        var state = CircuitState.Initial;
        for (var i = 0; i < 10; i++)
        {
            state = CircuitPolicy.OnFailure(state, Now, failureThreshold: 3, Break, paymentId: "pay_a");
        }

        Assert.Equal((CircuitState.Closed, 1, "pay_a"), (state.State, state.ConsecutiveFailures, state.FailingPayments));
    }

    [Fact]
    public void OnFailure_DistinctPaymentsAtThreshold_Open_AndASuccessForgetsThem()
    {
        var state = CircuitState.Initial;
        foreach (var id in new[] { "pay_a", "pay_b", "pay_a", "pay_c" })
        {
            state = CircuitPolicy.OnFailure(state, Now, failureThreshold: 3, Break, paymentId: id);
        }

        Assert.Equal((CircuitState.Open, 3, "pay_a,pay_b,pay_c"), (state.State, state.ConsecutiveFailures, state.FailingPayments));
        Assert.Equal("", CircuitPolicy.OnSuccess(state, Now).FailingPayments);
    }

    [Fact]
    public void OnFailure_ProbeFailures_AlwaysCount()
    {
        var state = CircuitPolicy.OnFailure(CircuitPolicy.OnFailure(CircuitState.Initial, Now, 3, Break), Now, 3, Break);

        Assert.Equal(2, state.ConsecutiveFailures);
    }

    [Theory]
    [InlineData(null, 10, "closed", 0, false)] // first failure of the payment
    [InlineData(-10, null, "closed", 0, false)] // the vendor never answered
    [InlineData(-10, -20, "closed", 0, false)] // nothing answered since the payment's last failure
    [InlineData(-10, -5, "closed", 0, true)] // answered since, nothing else failing: the payment's own
    [InlineData(-10, -5, "closed", 1, false)] // answered since, but others are failing now
    [InlineData(-10, -5, "open", 3, false)]
    public void IsOwnFailure_NeedsAnAnswerSinceAndNothingElseFailing(int? previousFailure, int? lastAnswered, string circuit, int failures, bool expected)
    {
        var state = CircuitState.Initial with { State = circuit, ConsecutiveFailures = failures };

        Assert.Equal(expected, CircuitPolicy.IsOwnFailure(
            previousFailure is { } p ? Now.AddSeconds(p) : null,
            lastAnswered is { } a ? Now.AddSeconds(a) : null,
            state));
    }

    [Theory]
    [InlineData(null, 10, false, true)] // a first failure: the start of an outage looks like this
    [InlineData(-10, null, false, true)] // the vendor never answered
    [InlineData(-10, -20, false, true)] // nothing answered since the payment's last failure: down for all
    [InlineData(-10, -5, false, false)] // failed again although the vendor answered since: not an outage signal
    [InlineData(null, 10, true, false)] // a suspect never counts
    [InlineData(-10, -20, true, false)]
    public void CountsTowardOpening_OnlyFailuresWithoutAnAnswerSince(int? previousFailure, int? lastAnswered, bool suspect, bool expected) =>
        Assert.Equal(expected, CircuitPolicy.CountsTowardOpening(
            previousFailure is { } p ? Now.AddSeconds(p) : null,
            lastAnswered is { } a ? Now.AddSeconds(a) : null,
            suspect));

    [Fact]
    public void Admit_OpenDuringBreak_RejectedUntilBreakEnds()
    {
        var open = CircuitState.Initial with { State = CircuitState.Open, OpenUntil = Now + Break };

        var admission = Assert.IsType<Admission.Rejected>(CircuitPolicy.Admit(open, Now, Lease));

        Assert.Equal(Now + Break, admission.RetryAt);
    }

    [Fact]
    public void Admit_OpenAfterBreak_ProbeClaimsHalfOpen()
    {
        var open = CircuitState.Initial with { State = CircuitState.Open, OpenUntil = Now };

        var probe = Assert.IsType<Admission.Probe>(CircuitPolicy.Admit(open, Now, Lease));

        Assert.Equal(CircuitState.HalfOpen, probe.Claimed.State);
        Assert.Equal(Now + Lease, probe.Claimed.ProbeUntil);
    }

    [Fact]
    public void Admit_HalfOpenWhileProbeRuns_Rejected() =>
        Assert.IsType<Admission.Rejected>(CircuitPolicy.Admit(CircuitState.Initial with { State = CircuitState.HalfOpen, ProbeUntil = Now + Lease }, Now, Lease));

    [Fact]
    public void Admit_HalfOpenProbeLeaseExpired_AnotherProbe() =>
        Assert.IsType<Admission.Probe>(CircuitPolicy.Admit(CircuitState.Initial with { State = CircuitState.HalfOpen, ProbeUntil = Now }, Now, Lease));

    [Fact]
    public void OnFailure_ProbeFails_OpensAgainKeepingDownSince()
    {
        var since = Now - TimeSpan.FromHours(1);
        var halfOpen = CircuitState.Initial with { State = CircuitState.HalfOpen, ConsecutiveFailures = 7, DownSince = since, ProbeUntil = Now + Lease };

        var state = CircuitPolicy.OnFailure(halfOpen, Now, failureThreshold: 100, Break);

        Assert.Equal(CircuitState.Open, state.State);
        Assert.Equal(since, state.DownSince);
        Assert.Null(state.ProbeUntil);
    }

    [Fact]
    public void OnSuccess_AnyState_ClosesAndForgetsTheOutage()
    {
        var state = CircuitPolicy.OnSuccess(CircuitState.Initial with { State = CircuitState.HalfOpen, ConsecutiveFailures = 9, DownSince = Now }, Now);

        Assert.Equal(new CircuitState(CircuitState.Closed, 0, null, null, null, Now), state);
    }

    [Fact]
    public void SuccessChangesState_CleanClosedWithSuccess_False() =>
        Assert.False(CircuitPolicy.SuccessChangesState(CircuitState.Initial with { LastSuccessAt = Now }));

    [Fact]
    public void SuccessChangesState_FailuresCounted_True() =>
        Assert.True(CircuitPolicy.SuccessChangesState(CircuitState.Initial with { ConsecutiveFailures = 1, LastSuccessAt = Now }));

    [Fact]
    public void SuccessChangesState_Misconfigured_OnlyAnAnswerToTheRefusedCallsClearsIt()
    {
        var refused = CircuitPolicy.OnKeyRefused(CircuitState.Initial with { LastSuccessAt = Now }, Now.AddMinutes(-3), CircuitState.ByProbe);

        Assert.Equal((Now.AddMinutes(-3), CircuitState.ByProbe), (refused.MisconfiguredSince, refused.KeyRefusedFor));
        Assert.False(CircuitPolicy.SuccessChangesState(refused, CircuitState.ByPayments));
        Assert.Equal(refused.MisconfiguredSince, CircuitPolicy.OnSuccess(refused, Now, CircuitState.ByPayments).MisconfiguredSince);
        Assert.True(CircuitPolicy.SuccessChangesState(refused, CircuitState.ByProbe));
        Assert.Equal(((DateTimeOffset?)null, ""), (CircuitPolicy.OnSuccess(refused, Now, CircuitState.ByProbe).MisconfiguredSince, CircuitPolicy.OnSuccess(refused, Now, CircuitState.ByProbe).KeyRefusedFor));
    }

    [Fact]
    public void OnKeyRefused_ForBoth_KeepsTheFirstTime_AndNeedsBothAnswersToClear()
    {
        var first = CircuitPolicy.OnKeyRefused(CircuitState.Initial, Now.AddMinutes(-5), CircuitState.ByPayments);
        var both = CircuitPolicy.OnKeyRefused(first, Now, CircuitState.ByProbe);
        var probeAnswered = CircuitPolicy.OnSuccess(both, Now, CircuitState.ByProbe);

        Assert.Equal((Now.AddMinutes(-5), "payments,probe"), (both.MisconfiguredSince, both.KeyRefusedFor));
        Assert.Equal((Now.AddMinutes(-5), CircuitState.ByPayments), (probeAnswered.MisconfiguredSince, probeAnswered.KeyRefusedFor));
        Assert.Null(CircuitPolicy.OnSuccess(probeAnswered, Now, CircuitState.ByPayments).MisconfiguredSince);
    }

    [Theory]
    [InlineData(CircuitState.Closed, 0, false, "up")]
    [InlineData(CircuitState.Closed, 2, false, "degraded")]
    [InlineData(CircuitState.Open, 5, false, "down")]
    [InlineData(CircuitState.HalfOpen, 5, false, "down")]
    [InlineData(CircuitState.Closed, 0, true, "misconfigured")]
    [InlineData(CircuitState.Open, 5, true, "misconfigured")] // payments' 401s may open it; the cause shown is the key
    public void VendorState_Of_TheCircuit(string state, int failures, bool misconfigured, string expected) =>
        Assert.Equal(expected, VendorState.Of(CircuitState.Initial with { State = state, ConsecutiveFailures = failures, MisconfiguredSince = misconfigured ? Now : null }));
}
