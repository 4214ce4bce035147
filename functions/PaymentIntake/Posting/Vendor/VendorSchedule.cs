namespace PaymentIntake.Posting.Vendor;

/// <summary>
/// When this instance may send each request, under two kinds of limit at once: sends to one endpoint are spaced at
/// least 1 ÷ the endpoint's rate apart, in the order they were asked for, and all sends together at least 1 ÷ the
/// global rate apart. A request whose endpoint must wait does not hold up one to another endpoint: it takes the first
/// free global slot at or after its endpoint's turn, and a later request may take an earlier gap. Evenly spaced, so
/// Stripe's burst allowance is never relied on. Not thread-safe: <see cref="VendorPacer"/> serialises it.
/// </summary>
public sealed class VendorSchedule
{
    private static readonly TimeSpan Memory = TimeSpan.FromSeconds(1);
    private readonly SortedSet<DateTimeOffset> _sends = [];
    private readonly Dictionary<string, DateTimeOffset> _endpointNext = new(StringComparer.Ordinal);

    /// <summary>Reserves the earliest time at or after <paramref name="now"/> one request to <paramref name="endpoint"/> may be sent.</summary>
    /// <param name="endpoint">The endpoint it goes to.</param>
    /// <param name="now">The time now.</param>
    /// <param name="globalPerSecond">This instance's rate for all requests together (&gt; 0).</param>
    /// <param name="endpointPerSecond">This instance's rate for the endpoint (&gt; 0).</param>
    public DateTimeOffset Reserve(StripeEndpoint endpoint, DateTimeOffset now, double globalPerSecond, double endpointPerSecond) =>
        TryReserve(endpoint, now, globalPerSecond, endpointPerSecond, TimeSpan.MaxValue).At;

    /// <summary>
    /// As <see cref="Reserve"/>, but reserves only a time at most <paramref name="horizon"/> ahead: a later one is
    /// returned unreserved (<c>Reserved</c> false), to ask again shortly before it — at the rates of then, so slots
    /// taken at an old share never reach far into a time when the instance's share is smaller.
    /// </summary>
    public (DateTimeOffset At, bool Reserved) TryReserve(StripeEndpoint endpoint, DateTimeOffset now, double globalPerSecond, double endpointPerSecond, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(globalPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(endpointPerSecond);
        _sends.RemoveWhere(t => t < now - Memory);
        var globalGap = TimeSpan.FromSeconds(1 / globalPerSecond);
        var at = _endpointNext.TryGetValue(endpoint.Name, out var turn) && turn > now ? turn : now;

        // The first time at or after the endpoint's turn that is a global gap away from every reserved send.
        foreach (var send in _sends.GetViewBetween(at - globalGap, DateTimeOffset.MaxValue))
        {
            if (send >= at + globalGap)
            {
                break;
            }

            if (send > at - globalGap)
            {
                at = send + globalGap;
            }
        }

        if (horizon != TimeSpan.MaxValue && at - now > horizon)
        {
            return (at, false);
        }

        _sends.Add(at);
        _endpointNext[endpoint.Name] = at + TimeSpan.FromSeconds(1 / endpointPerSecond);
        return (at, true);
    }
}
