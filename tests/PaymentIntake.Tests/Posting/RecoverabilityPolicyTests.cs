using PaymentIntake.Configuration;
using PaymentIntake.Payments;
using PaymentIntake.Posting;

namespace PaymentIntake.Tests;

public sealed class RecoverabilityPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly PostingOptions Options = new();

    private static Payments.Payment Payment(TimeSpan acceptedAgo, TimeSpan? replayedAgo = null, int attempts = 1, int ownFailures = 0) => new PaymentRow
    {
        PartitionKey = PaymentId.Derive("test", "k"),
        AcceptedAt = Now - acceptedAgo,
        ReplayedAt = replayedAgo is { } ago ? Now - ago : null,
        Attempts = attempts,
        OwnFailures = ownFailures,
    }.ToPayment();

    public static TheoryData<PostingOutcome, string> FinalAnswers() => new()
    {
        { new PostingOutcome.Posted("pi_1"), PaymentStatus.Posted },
        { new PostingOutcome.Declined("pi_1", "card_declined", "Declined."), PaymentStatus.Declined },
        { new PostingOutcome.ActionRequired("pi_1", "https://example.test/3ds"), PaymentStatus.ActionRequired },
        { new PostingOutcome.Failed("invalid request"), PaymentStatus.Failed },
    };

    [Theory]
    [MemberData(nameof(FinalAnswers))]
    public void Decide_FinalAnswer_RecordsItsStatus_EvenWhenOld(PostingOutcome outcome, string status)
    {
        var action = RecoverabilityPolicy.Decide(outcome, Payment(TimeSpan.FromDays(10)), Now, Options, 0.5);

        var record = Assert.IsType<RecoveryAction.Record>(action);
        Assert.Equal(status, record.Status);
        Assert.Same(outcome, record.Outcome);
    }

    [Theory]
    [InlineData(1, 0.0, 15)]
    [InlineData(1, 0.999999, 30)]
    [InlineData(3, 0.0, 60)]
    [InlineData(20, 0.999999, 600)]
    public void Decide_RetryLaterYoung_BacksOffExponentiallyWithJitter(int attempts, double random, int expectedSeconds)
    {
        var action = RecoverabilityPolicy.Decide(new PostingOutcome.RetryLater("500"), Payment(TimeSpan.FromHours(1), attempts: attempts), Now, Options, random);

        var later = Assert.IsType<RecoveryAction.RetryLater>(action);
        Assert.Equal(expectedSeconds, later.Delay.TotalSeconds, precision: 2);
        Assert.Equal(Now + later.Delay, later.NextAttemptAt);
        Assert.Equal("500", later.Reason);
    }

    /// <summary>After an outage a payment has many attempts (each park counts one); a failure of its own then backs off from the start.</summary>
    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(4, 240)]
    public void Decide_RetryLaterOwnFailureAfterManyParks_BacksOffByItsOwnFailures(int ownFailures, int expectedSeconds)
    {
        var action = RecoverabilityPolicy.Decide(new PostingOutcome.RetryLater("500"), Payment(TimeSpan.FromHours(1), attempts: 12, ownFailures: ownFailures), Now, Options, 0.999999);

        Assert.Equal(expectedSeconds, Assert.IsType<RecoveryAction.RetryLater>(action).Delay.TotalSeconds, precision: 2);
    }

    [Theory]
    [InlineData(0.0, 450)]
    [InlineData(0.999999, 600)]
    public void Decide_ParkedYoung_SleepsAboutTheBackoffCap(double random, int expectedSeconds)
    {
        var action = RecoverabilityPolicy.Decide(new PostingOutcome.Parked("circuit open", Now.AddSeconds(30)), Payment(TimeSpan.FromHours(1)), Now, Options, random);

        var later = Assert.IsType<RecoveryAction.RetryLater>(action);
        Assert.Equal(expectedSeconds, later.Delay.TotalSeconds, precision: 2);
        Assert.Equal("circuit open", later.Reason);
    }

    [Fact]
    public void Decide_RetryLaterAtMaxAge_GivesUpNamingTheLastReason()
    {
        var action = RecoverabilityPolicy.Decide(new PostingOutcome.RetryLater("Vendor answered 500"), Payment(Options.MaxPostingAge), Now, Options, 0.5);

        var giveUp = Assert.IsType<RecoveryAction.GiveUp>(action);
        Assert.StartsWith("vendor_unavailable: gave up after 3.00:00:00 since acceptance", giveUp.Reason, StringComparison.Ordinal);
        Assert.EndsWith("last: Vendor answered 500", giveUp.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public void Decide_RetryLaterAtTheOwnFailureLimit_GivesUpAsVendorFailsPayment(int ownFailures, bool givesUp)
    {
        var payment = Payment(TimeSpan.FromMinutes(5), ownFailures: ownFailures);

        var action = RecoverabilityPolicy.Decide(new PostingOutcome.RetryLater("Vendor answered 500"), payment, Now, Options, 0.5);

        if (givesUp)
        {
            var giveUp = Assert.IsType<RecoveryAction.GiveUp>(action);
            Assert.Equal(PaymentIntake.Queue.PoisonReasons.VendorFailsPayment, giveUp.PoisonReason);
            Assert.StartsWith("vendor_fails_payment: the vendor failed this payment 5 times", giveUp.Reason, StringComparison.Ordinal);
        }
        else
        {
            Assert.IsType<RecoveryAction.RetryLater>(action);
        }
    }

    [Fact]
    public void Decide_ParkedWithOwnFailures_WaitsForTheCircuit()
    {
        var payment = Payment(TimeSpan.FromMinutes(5), ownFailures: 9);

        Assert.IsType<RecoveryAction.RetryLater>(RecoverabilityPolicy.Decide(new PostingOutcome.Parked("open", Now), payment, Now, Options, 0.5));
    }

    [Fact]
    public void Decide_ParkedAtMaxAge_GivesUp() =>
        Assert.IsType<RecoveryAction.GiveUp>(RecoverabilityPolicy.Decide(new PostingOutcome.Parked("open", Now), Payment(TimeSpan.FromDays(4)), Now, Options, 0.5));

    [Fact]
    public void Decide_RetryLaterJustBeforeMaxAge_RetriesLater() =>
        Assert.IsType<RecoveryAction.RetryLater>(RecoverabilityPolicy.Decide(new PostingOutcome.RetryLater("500"), Payment(Options.MaxPostingAge - TimeSpan.FromSeconds(1)), Now, Options, 0.5));

    [Fact]
    public void Decide_OldButReplayedRecently_CountsFromTheReplay()
    {
        var action = RecoverabilityPolicy.Decide(new PostingOutcome.RetryLater("500"), Payment(TimeSpan.FromDays(10), replayedAgo: TimeSpan.FromMinutes(1)), Now, Options, 0.5);

        Assert.IsType<RecoveryAction.RetryLater>(action);
    }

    [Fact]
    public void Decide_ReplayedLongAgo_GivesUpSinceTheLastReplay()
    {
        var action = RecoverabilityPolicy.Decide(new PostingOutcome.RetryLater("500"), Payment(TimeSpan.FromDays(10), replayedAgo: TimeSpan.FromDays(4)), Now, Options, 0.5);

        Assert.Contains("since the last replay", Assert.IsType<RecoveryAction.GiveUp>(action).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ConfirmNeeded_IsABugNotAResult() =>
        Assert.Throws<InvalidOperationException>(() => RecoverabilityPolicy.Decide(new PostingOutcome.ConfirmNeeded("pi_1"), Payment(TimeSpan.Zero), Now, Options, 0.5));

    private static readonly RecoveryAction.GiveUp GivingUp = new("vendor_unavailable: gave up");

    [Fact]
    public void AfterAbandon_Canceled_GivesUp() =>
        Assert.Same(GivingUp, RecoverabilityPolicy.AfterAbandon(new PostingOutcome.Failed("canceled"), Payment(TimeSpan.FromDays(4)), GivingUp, Now, Options, 0.5));

    [Fact]
    public void AfterAbandon_VendorUnavailable_RetriesTheCancelLaterWhateverTheAge()
    {
        var action = RecoverabilityPolicy.AfterAbandon(new PostingOutcome.RetryLater("500"), Payment(TimeSpan.FromDays(10), attempts: 1), GivingUp, Now, Options, 0.0);

        var later = Assert.IsType<RecoveryAction.RetryLater>(action);
        Assert.Equal(TimeSpan.FromSeconds(15), later.Delay);
        Assert.StartsWith("giving up once its PaymentIntent is canceled", later.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterAbandon_IntentSucceededMeanwhile_RecordsPosted() =>
        Assert.Equal(PaymentStatus.Posted, Assert.IsType<RecoveryAction.Record>(RecoverabilityPolicy.AfterAbandon(new PostingOutcome.Posted("pi_1"), Payment(TimeSpan.FromDays(4)), GivingUp, Now, Options, 0.5)).Status);
}
