namespace PaymentIntake.Posting.Circuit;

/// <summary>The shared vendor circuit as stored: closed (calls flow), open (no calls until <see cref="OpenUntil"/>), half_open (one probe).</summary>
public sealed record CircuitState(
    string State,
    int ConsecutiveFailures,
    DateTimeOffset? OpenUntil,
    DateTimeOffset? ProbeUntil,
    DateTimeOffset? DownSince,
    DateTimeOffset? LastSuccessAt)
{
    /// <summary>
    /// The payments behind <see cref="ConsecutiveFailures"/> (comma-separated ids): a payment that fails again is not a
    /// new witness of an outage, so it does not count twice.
    /// </summary>
    public string FailingPayments { get; init; } = "";

    /// <summary>
    /// Since when our key is refused (401/403: revoked, or a restricted key without a permission): the app is
    /// misconfigured, which operators must fix; not an outage. Cleared by an answer to the calls that were refused.
    /// </summary>
    public DateTimeOffset? MisconfiguredSince { get; init; }

    /// <summary>
    /// Whose calls the key was refused for: <see cref="ByProbe"/> (the balance read), <see cref="ByPayments"/>, or both
    /// (comma-separated). An answer to one clears only its own: a key with Balance read but without PaymentIntents
    /// write stays misconfigured while the probe succeeds.
    /// </summary>
    public string KeyRefusedFor { get; init; } = "";

    /// <summary>The probe's calls.</summary>
    public const string ByProbe = "probe";

    /// <summary>Payments' calls.</summary>
    public const string ByPayments = "payments";

    /// <summary>Calls flow.</summary>
    public const string Closed = "closed";

    /// <summary>No calls until the break ends.</summary>
    public const string Open = "open";

    /// <summary>One probe call tests whether the vendor is back.</summary>
    public const string HalfOpen = "half_open";

    /// <summary>The state of a circuit nobody has written yet.</summary>
    public static CircuitState Initial { get; } = new(Closed, 0, null, null, null, null);
}

/// <summary>Whether a caller may call the vendor now.</summary>
public abstract record Admission
{
    private Admission() { }

    /// <summary>The circuit is closed: call.</summary>
    public sealed record Allowed : Admission;

    /// <summary>This caller is the one probe: call, and report the result.</summary>
    public sealed record Probe(CircuitState Claimed) : Admission;

    /// <summary>Do not call; try again after <paramref name="RetryAt"/>.</summary>
    public sealed record Rejected(DateTimeOffset RetryAt, CircuitState State) : Admission;
}

/// <summary>
/// The circuit breaker's rules as pure functions (the store only persists what they return): open after
/// <c>failureThreshold</c> consecutive "vendor unavailable" answers, stay open for <c>breakDuration</c>, then let
/// exactly one probe through; its success closes the circuit, its failure opens it again.
/// </summary>
public static class CircuitPolicy
{
    /// <summary>Decides admission; a <see cref="Admission.Probe"/> carries the half-open state to claim.</summary>
    public static Admission Admit(CircuitState state, DateTimeOffset now, TimeSpan probeLease)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.State switch
        {
            CircuitState.Open when now < state.OpenUntil => new Admission.Rejected(state.OpenUntil!.Value, state),
            CircuitState.HalfOpen when now < state.ProbeUntil => new Admission.Rejected(state.ProbeUntil!.Value, state),
            CircuitState.Open or CircuitState.HalfOpen => new Admission.Probe(state with { State = CircuitState.HalfOpen, ProbeUntil = now + probeLease }),
            _ => new Admission.Allowed(),
        };
    }

    /// <summary>The vendor answered (whatever the business answer): close.</summary>
    public static CircuitState OnSuccess(CircuitState state, DateTimeOffset now, string answeredFor = CircuitState.ByPayments)
    {
        ArgumentNullException.ThrowIfNull(state);
        var stillRefused = string.Join(',', Refused(state).Where(r => r != answeredFor));
        return new(CircuitState.Closed, 0, null, null, null, now)
        {
            MisconfiguredSince = stillRefused.Length > 0 ? state.MisconfiguredSince : null,
            KeyRefusedFor = stillRefused,
        };
    }

    /// <summary>Our key was refused for <paramref name="refusedFor"/>'s calls: misconfigured since the first refusal; the circuit is not touched.</summary>
    public static CircuitState OnKeyRefused(CircuitState state, DateTimeOffset now, string refusedFor)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state with
        {
            MisconfiguredSince = state.MisconfiguredSince ?? now,
            KeyRefusedFor = string.Join(',', Refused(state).Append(refusedFor).Distinct().Order(StringComparer.Ordinal)),
        };
    }

    /// <summary>Whose calls the key is refused for now (a probe's refusal from before the field existed counts as the probe's).</summary>
    private static IEnumerable<string> Refused(CircuitState state) =>
        state.KeyRefusedFor.Length > 0 ? state.KeyRefusedFor.Split(',') : state.MisconfiguredSince is null ? [] : [CircuitState.ByProbe];

    /// <summary>
    /// The vendor was unavailable (to <paramref name="paymentId"/>, or to the probe when null): count, and open at the
    /// threshold or when the probe failed. A payment already counted since the last answer does not count again.
    /// </summary>
    public static CircuitState OnFailure(CircuitState state, DateTimeOffset now, int failureThreshold, TimeSpan breakDuration, string? paymentId = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var witnesses = state.FailingPayments.Length == 0 ? [] : state.FailingPayments.Split(',');
        if (paymentId is not null && state.State == CircuitState.Closed && witnesses.Contains(paymentId, StringComparer.Ordinal))
        {
            return state;
        }

        var failures = state.ConsecutiveFailures + 1;
        var failing = paymentId is null ? state.FailingPayments : string.Join(',', witnesses.Append(paymentId).TakeLast(failureThreshold));
        return state.State == CircuitState.HalfOpen || failures >= failureThreshold
            ? state with { State = CircuitState.Open, ConsecutiveFailures = failures, OpenUntil = now + breakDuration, ProbeUntil = null, DownSince = state.DownSince ?? now, FailingPayments = failing }
            : state with { ConsecutiveFailures = failures, FailingPayments = failing };
    }

    /// <summary>True when a success for <paramref name="answeredFor"/>'s calls must be written (anything but a clean closed circuit it leaves as it is).</summary>
    public static bool SuccessChangesState(CircuitState state, string answeredFor = CircuitState.ByPayments) =>
        state is not { State: CircuitState.Closed, ConsecutiveFailures: 0 } || Refused(state).Contains(answeredFor) || state.LastSuccessAt is null;

    /// <summary>
    /// True when the vendor failure of a payment that failed before, at <paramref name="previousFailureAt"/>, follows
    /// the payment rather than the vendor: the vendor answered since (<paramref name="lastAnsweredAt"/>: another
    /// payment or the probe) and nothing else is failing now (the circuit is closed with no failure counted).
    /// </summary>
    public static bool IsOwnFailure(DateTimeOffset? previousFailureAt, DateTimeOffset? lastAnsweredAt, CircuitState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return AnsweredSince(previousFailureAt, lastAnsweredAt) && state is { State: CircuitState.Closed, ConsecutiveFailures: 0 };
    }

    /// <summary>
    /// True when a payment's vendor failure counts towards opening the circuit: it is not a
    /// <paramref name="suspect"/> (a payment whose failures followed it before), and the vendor did not answer since
    /// the payment last failed. A payment that fails again after the vendor answered others is no evidence of an
    /// outage even while other payments fail — counted, a handful of such payments failing one after another (a quiet
    /// hour after a burst) would open the circuit for everyone. A first failure, and a failure with no answer since
    /// the last one (the vendor down for all), always count.
    /// </summary>
    public static bool CountsTowardOpening(DateTimeOffset? previousFailureAt, DateTimeOffset? lastAnsweredAt, bool suspect) =>
        !suspect && !AnsweredSince(previousFailureAt, lastAnsweredAt);

    private static bool AnsweredSince(DateTimeOffset? previousFailureAt, DateTimeOffset? lastAnsweredAt) =>
        previousFailureAt is { } previous && lastAnsweredAt > previous;
}
