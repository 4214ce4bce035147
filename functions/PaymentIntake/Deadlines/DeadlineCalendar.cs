using System.Globalization;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Payments;

namespace PaymentIntake.Deadlines;

/// <summary>
/// Which deadline a payment met (<see cref="DeadlineOptions.Calendar"/>): the first, in order of <c>PayBy</c>, that
/// its basis is not later than — for a card the moment intake accepted it (<c>acceptedAt</c>, in the exchange's time
/// zone), for a check the day the lockbox received it (<c>receivedDate</c>, a local date: a check received on the day
/// of a deadline meets it). A payment later than every deadline carries the last one, not met; none without a calendar.
/// When the vendor posts it does not matter: a payment accepted one minute before a deadline met it.
/// </summary>
public sealed class DeadlineCalendar(IOptions<DeadlineOptions> options)
{
    private readonly DeadlineEntry[] _entries = [.. options.Value.Calendar.OrderBy(e => e.PayBy)];

    /// <summary>The deadlines, by <c>PayBy</c>.</summary>
    public IReadOnlyList<DeadlineEntry> Entries => _entries;

    /// <summary>The deadline of <paramref name="payment"/>, or null without a calendar.</summary>
    public DeadlineView? For(Payment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (_entries.Length == 0)
        {
            return null;
        }

        var check = payment.Kind == PaymentKinds.Check && payment.ReceivedDate is { } received
            ? DateOnly.ParseExact(received, "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : (DateOnly?)null;
        var local = TimeZoneInfo.ConvertTime(payment.AcceptedAt, options.Value.Zone).DateTime;
        var met = _entries.FirstOrDefault(e => check is { } day ? day <= DateOnly.FromDateTime(e.PayBy) : local <= e.PayBy);
        var entry = met ?? _entries[^1];
        return new DeadlineView(entry.Name, entry.CoverageStart, entry.PayBy, met is not null, check is null ? "acceptedAt" : "receivedDate");
    }

    /// <summary>The exchange's date of the payment's basis: the day it is counted under (<c>byLocalDay</c>).</summary>
    public DateOnly LocalDayOf(Payment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return payment.Kind == PaymentKinds.Check && payment.ReceivedDate is { } received
            ? DateOnly.ParseExact(received, "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : options.Value.DateAt(payment.AcceptedAt);
    }
}

/// <summary>
/// The deadline a payment met, as its receipt and status show it: <paramref name="Met"/> false when it was later than
/// every deadline (then the last one); <paramref name="Basis"/> <c>acceptedAt</c> (cards) or <c>receivedDate</c> (checks).
/// </summary>
public sealed record DeadlineView(string Name, DateOnly CoverageStart, DateTime PayBy, bool Met, string Basis);
