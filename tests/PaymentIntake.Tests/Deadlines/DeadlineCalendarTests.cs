using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Deadlines;
using PaymentIntake.Payments;

namespace PaymentIntake.Tests.Deadlines;

public sealed class DeadlineCalendarTests
{
    // Pay by midnight Sunday (exchange time, New York) for January; by January 19 for February.
    private static DeadlineOptions Calendar()
    {
        var options = new DeadlineOptions { TimeZone = "America/New_York" };
        options.Calendar.Add(new DeadlineEntry { Name = "2027-02", CoverageStart = new DateOnly(2027, 2, 1), PayBy = new DateTime(2027, 1, 19, 23, 59, 59) });
        options.Calendar.Add(new DeadlineEntry { Name = "2027-01", CoverageStart = new DateOnly(2027, 1, 1), PayBy = new DateTime(2026, 12, 20, 23, 59, 59) });
        return options;
    }

    private static Payment Card(DateTimeOffset acceptedAt) => new() { PaymentId = "pay_1", AcceptedAt = acceptedAt, UpdatedAt = acceptedAt };

    private static Payment Check(string receivedDate, DateTimeOffset recordedAt) =>
        new() { PaymentId = "pay_2", Kind = PaymentKinds.Check, ReceivedDate = receivedDate, AcceptedAt = recordedAt, UpdatedAt = recordedAt };

    [Fact]
    public void A_card_accepted_one_minute_before_the_deadline_local_time_met_it_whenever_it_is_posted()
    {
        var calendar = new DeadlineCalendar(Options.Create(Calendar()));
        var oneMinuteBefore = new DateTimeOffset(2026, 12, 20, 23, 58, 59, TimeSpan.FromHours(-5)); // 04:58:59 UTC on the 21st

        var deadline = calendar.For(Card(oneMinuteBefore));

        Assert.Equal(new DeadlineView("2027-01", new DateOnly(2027, 1, 1), new DateTime(2026, 12, 20, 23, 59, 59), true, "acceptedAt"), deadline);
        Assert.Equal(new DateOnly(2026, 12, 20), calendar.LocalDayOf(Card(oneMinuteBefore))); // Sunday, in New York
    }

    [Fact]
    public void A_card_accepted_one_second_after_the_deadline_met_the_next_one_and_after_every_deadline_none()
    {
        var calendar = new DeadlineCalendar(Options.Create(Calendar()));

        var justLate = calendar.For(Card(new DateTimeOffset(2026, 12, 21, 0, 0, 0, TimeSpan.FromHours(-5))));
        var tooLate = calendar.For(Card(new DateTimeOffset(2027, 1, 20, 0, 0, 0, TimeSpan.FromHours(-5))));

        Assert.Equal(("2027-02", true), (justLate!.Name, justLate.Met));
        Assert.Equal(("2027-02", false), (tooLate!.Name, tooLate.Met));
    }

    [Fact]
    public void A_check_counts_by_the_day_the_lockbox_received_it_not_when_it_was_recorded()
    {
        var calendar = new DeadlineCalendar(Options.Create(Calendar()));
        var recordedDaysLater = new DateTimeOffset(2026, 12, 23, 10, 0, 0, TimeSpan.Zero);

        var onTheDay = calendar.For(Check("2026-12-20", recordedDaysLater));
        var dayAfter = calendar.For(Check("2026-12-21", recordedDaysLater));

        Assert.Equal(("2027-01", true, "receivedDate"), (onTheDay!.Name, onTheDay.Met, onTheDay.Basis));
        Assert.Equal("2027-02", dayAfter!.Name);
        Assert.Equal(new DateOnly(2026, 12, 20), calendar.LocalDayOf(Check("2026-12-20", recordedDaysLater)));
    }

    [Fact]
    public void Without_a_calendar_no_payment_carries_a_deadline() =>
        Assert.Null(new DeadlineCalendar(Options.Create(new DeadlineOptions())).For(Card(DateTimeOffset.UtcNow)));

    [Fact]
    public void A_calendar_with_a_name_twice_a_missing_date_or_an_unordered_coverage_is_refused_at_start()
    {
        var options = Calendar();
        options.Calendar.Add(new DeadlineEntry { Name = "2027-01", CoverageStart = new DateOnly(2026, 12, 1), PayBy = new DateTime(2027, 2, 1) });
        options.Calendar.Add(new DeadlineEntry { Name = "no-date" });
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        var messages = string.Join(" | ", results.Select(r => r.ErrorMessage));
        Assert.Contains("names the deadline \"2027-01\" twice", messages, StringComparison.Ordinal);
        Assert.Contains("Deadlines:Calendar:3 needs CoverageStart", messages, StringComparison.Ordinal);
        Assert.Contains("does not start later", messages, StringComparison.Ordinal);
        var good = Calendar();
        Assert.True(Validator.TryValidateObject(good, new ValidationContext(good), [], validateAllProperties: true));
    }
}
