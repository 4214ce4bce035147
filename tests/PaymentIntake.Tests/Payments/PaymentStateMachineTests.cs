using PaymentIntake.Payments;

namespace PaymentIntake.Tests;

public sealed class PaymentStateMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The table as the design states it, written out independently of the code's table.</summary>
    private static readonly HashSet<(string From, string To)> Expected =
    [
        (PaymentStatus.Accepted, PaymentStatus.Accepted),
        (PaymentStatus.Accepted, PaymentStatus.Posting),
        (PaymentStatus.Accepted, PaymentStatus.Posted),
        (PaymentStatus.Accepted, PaymentStatus.Declined),
        (PaymentStatus.Accepted, PaymentStatus.Failed),
        (PaymentStatus.Posting, PaymentStatus.Posting),
        (PaymentStatus.Posting, PaymentStatus.Accepted),
        (PaymentStatus.Posting, PaymentStatus.Posted),
        (PaymentStatus.Posting, PaymentStatus.Declined),
        (PaymentStatus.Posting, PaymentStatus.ActionRequired),
        (PaymentStatus.Posting, PaymentStatus.Failed),
        (PaymentStatus.ActionRequired, PaymentStatus.Posted),
        (PaymentStatus.ActionRequired, PaymentStatus.Declined),
        (PaymentStatus.ActionRequired, PaymentStatus.Failed),
        (PaymentStatus.Declined, PaymentStatus.Posted),
        (PaymentStatus.Declined, PaymentStatus.Failed),
        (PaymentStatus.Failed, PaymentStatus.Accepted),
        (PaymentStatus.Failed, PaymentStatus.Posted),
        (PaymentStatus.Failed, PaymentStatus.Declined),
    ];

    public static TheoryData<string, string> EveryPair()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in PaymentStatus.All)
        {
            foreach (var to in PaymentStatus.All)
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    private static PaymentEntity Row(string status) => new()
    {
        PartitionKey = PaymentId.Derive("test", "k"),
        Status = status,
        UpdatedAt = Now.AddHours(-1),
        NextAttemptAt = Now.AddMinutes(5),
    };

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Apply_EveryPair_MovesOnlyWhereTheTableAllows(string from, string to)
    {
        var row = Row(from);

        if (Expected.Contains((from, to)))
        {
            Assert.True(PaymentStateMachine.IsAllowed(from, to));
            Assert.Equal(from, PaymentStateMachine.Apply(row, to, Now));
            Assert.Equal(to, row.Status);
            Assert.Equal(Now, row.UpdatedAt);
            Assert.Equal(to == PaymentStatus.Posted ? Now : null, row.PostedAt);
            Assert.Equal(to == PaymentStatus.Accepted ? Now.AddMinutes(5) : null, row.NextAttemptAt);
        }
        else
        {
            Assert.False(PaymentStateMachine.IsAllowed(from, to));
            var refused = Assert.Throws<InvalidStatusTransitionException>(() => PaymentStateMachine.Apply(row, to, Now));
            Assert.Equal((from, to), (refused.From, refused.To));
            Assert.Equal(from, row.Status);
            Assert.Equal(Now.AddHours(-1), row.UpdatedAt);
        }
    }

    [Fact]
    public void IsAllowed_Posted_LeavesForNothing() =>
        Assert.All(PaymentStatus.All, to => Assert.False(PaymentStateMachine.IsAllowed(PaymentStatus.Posted, to)));

    [Theory]
    [InlineData("unknown", PaymentStatus.Posted)]
    [InlineData(PaymentStatus.Accepted, "paid")]
    public void IsAllowed_UnknownStatus_False(string from, string to) =>
        Assert.False(PaymentStateMachine.IsAllowed(from, to));
}
