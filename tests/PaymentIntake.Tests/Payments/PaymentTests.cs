using PaymentIntake.Payments;

namespace PaymentIntake.Tests;

/// <summary>The payment guards its own life: each method is a move of the transition table, and nothing else moves it.</summary>
public sealed class PaymentTests
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

    private static Payment InStatus(string status) => new PaymentRow
    {
        PartitionKey = PaymentId.Derive("test", "k"),
        Status = status,
        UpdatedAt = Now.AddHours(-1),
        NextAttemptAt = Now.AddMinutes(5),
    }.ToPayment();

    /// <summary>Every move a payment's methods can make, by its target status.</summary>
    private static void Move(Payment payment, string to)
    {
        switch (to)
        {
            case PaymentStatus.Accepted when payment.Status == PaymentStatus.Failed:
                payment.Reopen(Now.AddMinutes(5), Now, "operator:test");
                break;
            case PaymentStatus.Accepted:
                payment.Park(Now.AddMinutes(5), "waiting for the vendor", MoveCauses.RetryLater, "test-instance");
                break;
            case PaymentStatus.Posting:
                payment.Claim("test-instance");
                break;
            case PaymentStatus.Posted:
                payment.Settle(new PostingOutcome.Posted("pi_1"), MoveCauses.VendorAnswer, "test-instance");
                break;
            case PaymentStatus.Declined:
                payment.Settle(new PostingOutcome.Declined("pi_1", "card_declined", "Declined."), MoveCauses.VendorAnswer, "test-instance");
                break;
            case PaymentStatus.ActionRequired:
                payment.Settle(new PostingOutcome.ActionRequired("pi_1", null), MoveCauses.VendorAnswer, "test-instance");
                break;
            default:
                payment.GiveUp("given up", MoveCauses.GaveUp, "test-instance");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Methods_EveryPair_MoveOnlyWhereTheTableAllows(string from, string to)
    {
        var payment = InStatus(from);

        if (Expected.Contains((from, to)))
        {
            Assert.True(PaymentTransitions.IsAllowed(from, to));
            Move(payment, to);
            Assert.Equal(to, payment.Status);
            Assert.Equal(to == PaymentStatus.Accepted && from != PaymentStatus.Failed ? Now.AddMinutes(5) : null, payment.NextAttemptAt); // a replay starts afresh
        }
        else
        {
            Assert.False(PaymentTransitions.IsAllowed(from, to));
            var refused = Assert.Throws<InvalidStatusTransitionException>(() => Move(payment, to));
            Assert.Equal((from, to), (refused.From, refused.To));
            Assert.Equal(from, payment.Status);
            Assert.Equal(Now.AddMinutes(5), payment.NextAttemptAt);
        }
    }

    [Fact]
    public void Stamp_OnPosted_SetsPostedAtOnce_AndUpdatedAtOnEverySave()
    {
        var payment = InStatus(PaymentStatus.Posting);
        payment.Settle(new PostingOutcome.Posted("pi_1"), MoveCauses.VendorAnswer, "test-instance");

        payment.Stamp(Now);
        payment.Stamp(Now.AddMinutes(1));

        Assert.Equal((Now, Now.AddMinutes(1)), (payment.PostedAt, payment.UpdatedAt));
        Assert.Equal("pi_1", payment.VendorReference);
    }

    [Fact]
    public void Reopen_RestartsTheReplayClockAndTheOwnFailures()
    {
        var payment = InStatus(PaymentStatus.Failed);
        payment.RecordVendorFailure(Now, ownFailure: true);

        payment.Reopen(Now.AddMinutes(5), Now, "operator:test");

        Assert.Equal((PaymentStatus.Accepted, 1, Now, 0, (DateTimeOffset?)null, Now.AddMinutes(5)), (payment.Status, payment.ReplayCount, payment.ReplayedAt!.Value, payment.OwnFailures, payment.VendorFailedAt, payment.DueAt!.Value));
    }

    [Fact]
    public void RowMapping_RoundTripsEveryField()
    {
        var row = new PaymentRow
        {
            PartitionKey = PaymentId.Derive("test", "round"), Kind = PaymentKinds.Check, CheckNumber = "1001", ReceivedDate = "2026-11-27", PayerName = "A",
            BatchId = "b", BatchLine = 3, SubmittedBy = "lockbox", MemberId = "M-1", Amount = 100, Currency = "usd", PaymentMethodId = "pm_1", InvoiceId = "in_1",
            Description = "d", RequestHash = "h", Status = PaymentStatus.Declined, AcceptedAt = Now, Attempts = 2, VendorReference = "pi_1", CreateKeyGeneration = 1,
            LastError = "e", DeclineCode = "c", NextAttemptAt = Now, NextActionUrl = "https://x.test", PostedAt = Now, ReplayCount = 1, ReplayedAt = Now,
            VendorFailedAt = Now, OwnFailures = 2, UpdatedAt = Now, DueAt = Now,
        };

        var again = row.ToPayment().ToRow();

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(row), System.Text.Json.JsonSerializer.Serialize(again));
    }

    [Fact]
    public void IsAllowed_Posted_LeavesForNothing() =>
        Assert.All(PaymentStatus.All, to => Assert.False(PaymentTransitions.IsAllowed(PaymentStatus.Posted, to)));

    [Theory]
    [InlineData("unknown", PaymentStatus.Posted)]
    [InlineData(PaymentStatus.Accepted, "paid")]
    public void IsAllowed_UnknownStatus_False(string from, string to) =>
        Assert.False(PaymentTransitions.IsAllowed(from, to));
}
