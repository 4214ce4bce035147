using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Intake;
using PaymentIntake.Payments;

namespace PaymentFunctions.Tests.Services;

/// <summary>
/// A payment's history is written with its row, in one transaction: a move whose save lost the race leaves no trace,
/// the winner's moves are all there, numbered without a gap, and a payment recorded twice has one first move.
/// </summary>
[Collection(EndToEnd.Name)]
public sealed class PaymentHistoryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_save_that_loses_the_race_writes_none_of_its_moves()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var payments = core.Get<PaymentRepository>();
        var (recorded, created) = await core.Get<PaymentIntakeService>().RecordAsync(Rows.Card().ToPayment(), CancellationToken.None);
        Assert.True(created);
        var winner = await core.ReadAsync(recorded.PaymentId);
        var loser = await core.ReadAsync(recorded.PaymentId);

        winner.Claim("instance-a");
        winner.NameVendorObject("pi_winner");
        Assert.True(await payments.TrySaveAsync(winner, CancellationToken.None));
        loser.Claim("instance-b");
        loser.Settle(new PostingOutcome.Failed("the loser's answer"), MoveCauses.VendorAnswer, "instance-b");
        Assert.False(await payments.TrySaveAsync(loser, CancellationToken.None));

        var history = await payments.GetHistoryAsync(recorded.PaymentId, CancellationToken.None);
        Assert.Equal(
            [(1, null, PaymentStatus.Accepted, MoveCauses.Accepted, "intake"), (2, PaymentStatus.Accepted, PaymentStatus.Posting, MoveCauses.Claimed, "instance-a"), (3, PaymentStatus.Posting, PaymentStatus.Posting, MoveCauses.VendorObjectNamed, "instance-a")],
            history.Select(m => (m.Sequence, m.From, m.To, m.Cause, m.Actor)));
        Assert.Equal("pi_winner", history[2].VendorReference);
        var row = await core.ReadAsync(recorded.PaymentId);
        Assert.Equal((3, PaymentStatus.Posting), (row.Moves, row.Status));
    }

    [Fact]
    public async Task A_payment_recorded_twice_has_one_first_move_and_a_save_without_a_move_adds_none()
    {
        await using var core = await CoreServices.StartAsync(azurite);
        var intake = core.Get<PaymentIntakeService>();
        var template = Rows.Card();
        var (first, created) = await intake.RecordAsync(template.ToPayment(), CancellationToken.None);
        var (again, createdAgain) = await intake.RecordAsync(template.ToPayment(), CancellationToken.None);
        Assert.Equal((true, false), (created, createdAgain));

        again.BeginAttempt();
        Assert.True(await core.Get<PaymentRepository>().TrySaveAsync(again, CancellationToken.None)); // a save, not a move

        var history = await core.Get<PaymentRepository>().GetHistoryAsync(first.PaymentId, CancellationToken.None);
        var only = Assert.Single(history);
        Assert.Equal((1, MoveCauses.Accepted, first.AcceptedAt), (only.Sequence, only.Cause, only.At));
        Assert.Equal(1, (await core.ReadAsync(first.PaymentId)).Moves);
    }
}
