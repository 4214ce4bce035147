using PaymentIntake.Posting.Vendor;

namespace PaymentIntake.Tests.Posting.Vendor;

/// <summary>The two kinds of Stripe limit at once: each endpoint's spacing, and all requests' together.</summary>
public sealed class VendorScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero);

    private static List<(StripeEndpoint Endpoint, DateTimeOffset At)> Plan(IEnumerable<StripeEndpoint> requests, double global, double endpoint)
    {
        var schedule = new VendorSchedule();
        return requests.Select(e => (e, schedule.Reserve(e, Now, global, endpoint))).ToList();
    }

    private static int MostInAnySecond(IEnumerable<DateTimeOffset> sends)
    {
        var sorted = sends.Order().ToList();
        return sorted.Select((t, i) => sorted.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
    }

    [Fact]
    public void LiveLimits_CreatesAndConfirmsAskedInBlocks_EachEndpointGetsItsWholeLimit()
    {
        // A drain asks in bursts: 100 creates first, then 100 confirms. The confirms must not queue behind the creates'
        // endpoint turns (each endpoint 25/s, the account 100/s: both endpoints at 25/s together).
        var requests = Enumerable.Repeat(StripeEndpoint.CreateIntent, 100).Concat(Enumerable.Repeat(StripeEndpoint.ConfirmIntent, 100));

        var plan = Plan(requests, global: 100, endpoint: 25);

        foreach (var group in plan.GroupBy(p => p.Endpoint))
        {
            var times = group.Select(p => p.At).ToList();
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1.0 / 25) - TimeSpan.FromTicks(1)));
            Assert.Equal(25, MostInAnySecond(times));
            Assert.True(times[^1] - Now < TimeSpan.FromSeconds(4), $"{group.Key.Name}: the 100th send is at {(times[^1] - Now).TotalSeconds:0.00} s");
        }

        var all = plan.Select(p => p.At).Order().ToList();
        Assert.All(all.Zip(all.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1.0 / 100) - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void SandboxLimits_TheGlobalLimitBinds_TwoEndpointsShareIt()
    {
        var requests = Enumerable.Range(0, 100).Select(i => i % 3 == 0 ? StripeEndpoint.ConfirmIntent : StripeEndpoint.CreateIntent);

        var plan = Plan(requests, global: 25, endpoint: 25);

        var all = plan.Select(p => p.At).Order().ToList();
        Assert.Equal(25, MostInAnySecond(all));
        Assert.All(all.Zip(all.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1.0 / 25) - TimeSpan.FromTicks(1)));
        Assert.Equal(Now + TimeSpan.FromSeconds(99.0 / 25), all[^1], TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Reserve_AfterAQuietSpell_SendsNow_AndForgetsOldSends()
    {
        var schedule = new VendorSchedule();
        schedule.Reserve(StripeEndpoint.CreateIntent, Now, 10, 10);

        Assert.Equal(Now + TimeSpan.FromSeconds(0.1), schedule.Reserve(StripeEndpoint.CreateIntent, Now, 10, 10));
        Assert.Equal(Now + TimeSpan.FromSeconds(0.2), schedule.Reserve(StripeEndpoint.ConfirmIntent, Now, 10, 10));
        var later = Now + TimeSpan.FromSeconds(5);
        Assert.Equal(later, schedule.Reserve(StripeEndpoint.CreateIntent, later, 10, 10));
    }

    [Fact]
    public void Reserve_TakesAnEarlierGap_WhenItsEndpointAllowsIt()
    {
        var schedule = new VendorSchedule();
        var first = schedule.Reserve(StripeEndpoint.CreateIntent, Now, 100, 25);
        var second = schedule.Reserve(StripeEndpoint.CreateIntent, Now, 100, 25); // the create endpoint's next turn: +40 ms

        var confirm = schedule.Reserve(StripeEndpoint.ConfirmIntent, Now, 100, 25);

        Assert.Equal((Now, Now + TimeSpan.FromMilliseconds(40), Now + TimeSpan.FromMilliseconds(10)), (first, second, confirm));
    }

    [Fact]
    public void TryReserve_BeyondTheHorizon_ReservesNothing_SoALaterAskAtASmallerShareIsSpacedByIt()
    {
        var schedule = new VendorSchedule();
        var horizon = TimeSpan.FromMilliseconds(100);
        var taken = Enumerable.Range(0, 5).Select(_ => schedule.TryReserve(StripeEndpoint.CreateIntent, Now, 100, 25, horizon)).ToList();

        // Only the turns within 100 ms were taken (0 and 40, 80 ms); the next is told, not reserved.
        Assert.Equal([true, true, true, false, false], taken.Select(t => t.Reserved));
        Assert.Equal(Now + TimeSpan.FromMilliseconds(120), taken[3].At);

        // Later, at a third of the share (two more instances joined): the endpoint's next turn is 40 ms after the last
        // reserved one, then 120 ms apart.
        var later = Now + TimeSpan.FromMilliseconds(80);
        var next = schedule.TryReserve(StripeEndpoint.CreateIntent, later, 100.0 / 3, 25.0 / 3, horizon);
        var after = schedule.TryReserve(StripeEndpoint.CreateIntent, later, 100.0 / 3, 25.0 / 3, horizon);
        Assert.Equal((Now + TimeSpan.FromMilliseconds(120), true), next);
        Assert.Equal((Now + TimeSpan.FromMilliseconds(240), false), after);
    }
}
