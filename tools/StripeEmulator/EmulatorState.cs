using System.Collections.Concurrent;

namespace StripeEmulator;

/// <summary>What the emulator should do to the next requests to the Stripe API.</summary>
public enum FaultMode
{
    /// <summary>Answer normally.</summary>
    None,
    /// <summary>
    /// Answer 500 <c>api_error</c>. Where in the request it happens is <see cref="FaultPhase"/>: by default inside the
    /// endpoint, so the 500 is saved under the idempotency key and replayed (docs.stripe.com/api/idempotent_requests).
    /// </summary>
    ServerError,
    /// <summary>Hold the request until the client gives up (or the hang time passes), then answer 504.</summary>
    Timeout,
    /// <summary>Answer 429 <c>rate_limit</c>.</summary>
    RateLimit,
    /// <summary>
    /// Answer 403 <c>permission_error</c>, as Stripe answers a restricted key (<c>rk_…</c>) without the permission
    /// for the endpoint (docs.stripe.com/keys#limit-access, docs.stripe.com/error-codes).
    /// </summary>
    PermissionError,
    /// <summary>Carry the request out, then drop the connection: the client never learns the answer.</summary>
    DropResponse,
}

/// <summary>Where a <see cref="FaultMode.ServerError"/> strikes (Stripe saves an answer once the endpoint began executing).</summary>
public enum FaultPhase
{
    /// <summary>Inside the endpoint, before its effect: nothing changes, the 500 is saved under the key.</summary>
    InEndpoint,
    /// <summary>Before the endpoint began executing (e.g. at the edge): nothing changes, nothing is saved.</summary>
    BeforeExecution,
    /// <summary>After the endpoint's effect (the intent is created or confirmed): the 500 is saved under the key.</summary>
    AfterExecution,
}

/// <summary>An emulated PaymentIntent.</summary>
public sealed class EmulatedPaymentIntent
{
    /// <summary>The id, <c>pi_…</c>.</summary>
    public required string Id { get; init; }
    /// <summary>Amount in minor units.</summary>
    public required long Amount { get; init; }
    /// <summary>Lower-case ISO currency.</summary>
    public required string Currency { get; init; }
    /// <summary>Stripe status: requires_payment_method, requires_confirmation, requires_action, succeeded, canceled.</summary>
    public string Status { get; set; } = "requires_payment_method";
    /// <summary>The payment method, <c>pm_…</c>.</summary>
    public string? PaymentMethod { get; set; }
    /// <summary>Free text.</summary>
    public string? Description { get; init; }
    /// <summary>Metadata as sent.</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    /// <summary>Unix seconds.</summary>
    public required long Created { get; init; }
    /// <summary>The last card error, if any.</summary>
    public (string Code, string? DeclineCode, string Message)? LastPaymentError { get; set; }
    /// <summary>The URL a member must visit to authenticate, when <see cref="Status"/> is requires_action.</summary>
    public string? NextActionUrl { get; set; }
    /// <summary>How many times this intent was charged successfully (never more than one in a correct client).</summary>
    public int SucceededCharges { get; set; }
    /// <summary>Order of creation (a list's tie-break within one second).</summary>
    public long Sequence { get; init; }
    /// <summary>When Search first shows it (its creation plus the emulator's <c>SearchLag</c>).</summary>
    public DateTimeOffset SearchableAt { get; init; }
    /// <summary>The payment method types it accepts (explicit, or <c>card</c> under automatic payment methods).</summary>
    public IReadOnlyList<string> PaymentMethodTypes { get; init; } = ["card"];
    /// <summary>Whether automatic payment methods are on (the default when no types are given).</summary>
    public bool AutomaticPaymentMethods { get; init; }
    /// <summary><c>always</c> or <c>never</c>, when automatic payment methods are on.</summary>
    public string? AllowRedirects { get; init; }
    /// <summary>Where the member returns after a redirect, once given (create or confirm).</summary>
    public string? ReturnUrl { get; set; }
    /// <summary>Why it was canceled.</summary>
    public string? CancellationReason { get; set; }
    /// <summary>The invoice whose card payment it is (Stripe's own intent of an invoice, without our metadata), or null.</summary>
    public string? InvoiceId { get; init; }
}

/// <summary>A PaymentMethod the emulator knows: a test card's behaviour, and whether an intent used it.</summary>
public sealed class EmulatedPaymentMethod
{
    /// <summary>The id, <c>pm_…</c>.</summary>
    public required string Id { get; init; }
    /// <summary>The test shortcut it behaves as (<c>pm_card_visa</c>, <c>pm_card_chargeDeclined</c>, …).</summary>
    public required string Behaviour { get; init; }
    /// <summary>The first intent that used it (a PaymentMethod not attached to a Customer can be used once).</summary>
    public string? UsedBy { get; set; }
    /// <summary>The Customer it is attached to, if any.</summary>
    public string? Customer { get; set; }
    /// <summary>
    /// Spent by a failed confirm while attached to no Customer: it may not be used again, not even by the same intent
    /// (the intent drops it and needs a new payment method).
    /// </summary>
    public bool Consumed { get; set; }
}

/// <summary>All state of one emulator: intents, idempotency records, faults and counters. Thread-safe.</summary>
public sealed class EmulatorState(TimeProvider timeProvider)
{
    private readonly Lock _faultLock = new();
    private readonly Queue<DateTimeOffset> _window = new();
    private FaultMode _faultMode;
    private int? _faultsLeft;
    private string? _faultPath;
    private (string Param, string Prefix)? _faultMatch;
    private FaultPhase _faultPhase;
    private int _maxPerSecond;
    private long _rateLimited;
    private long _requests;
    private long _faultsServed;

    internal TimeProvider Time { get; } = timeProvider;

    /// <summary>Where the emulator listens (for the pages it links to, such as an invoice's hosted page).</summary>
    public Uri? BaseUrl { get; internal set; }

    internal ConcurrentDictionary<string, EmulatedPaymentIntent> PaymentIntents { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, IdempotencyRecord> IdempotencyRecords { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, EmulatedInvoice> Invoices { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, EmulatedPaymentMethod> PaymentMethods { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, EmulatedConfirmationToken> ConfirmationTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Looks up a ConfirmationToken by id.</summary>
    public EmulatedConfirmationToken? FindConfirmationToken(string id) => ConfirmationTokens.GetValueOrDefault(id);

    /// <summary>
    /// The API version of the events it sends: the <c>Stripe-Version</c> the client last sent, at first the one
    /// Stripe.net 53.1.0 pins (<c>StripeConfiguration.ApiVersion</c>). Stripe sends an endpoint's events in the version
    /// the endpoint was created with (docs.stripe.com/webhooks/versioning), which the project creates to match the SDK.
    /// </summary>
    public string ApiVersion { get; set; } = "2026-10-28.endive";

    /// <summary>Where the current <see cref="FaultMode.ServerError"/> strikes.</summary>
    public FaultPhase FaultPhase { get { lock (_faultLock) { return _faultPhase; } } }

    /// <summary>Seeds an invoice (what a test or the control endpoint does; Stripe's own invoices come from billing).</summary>
    public EmulatedInvoice SeedInvoice(string? id, long amountDue, string currency = "usd", string status = "open") =>
        InvoiceLogic.Seed(this, id, amountDue, currency, status);

    /// <summary>Looks up an invoice by id.</summary>
    public EmulatedInvoice? FindInvoice(string id) => Invoices.GetValueOrDefault(id);

    /// <summary>How long Stripe keeps an idempotency key (24 hours at Stripe); shorten it to test expiry.</summary>
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long after its creation an intent appears in Search. Stripe: "don't use search for read-after-write flows",
    /// data is usually searchable within a minute and later during incidents (docs.stripe.com/search#data-freshness).
    /// Default 1 minute; tests shorten it.
    /// </summary>
    public TimeSpan SearchLag { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a <see cref="FaultMode.Timeout"/> request is held before answering 504.</summary>
    public TimeSpan HangTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Number of Stripe API requests received.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Number of requests answered with a fault.</summary>
    public long FaultsServed => Interlocked.Read(ref _faultsServed);

    /// <summary>The current fault mode.</summary>
    public FaultMode FaultMode { get { lock (_faultLock) { return _faultMode; } } }

    /// <summary>Stripe's rate limits: global, per endpoint, Search (Stripe's sandbox defaults; see <see cref="StripeRateLimiter"/>).</summary>
    public StripeRateLimiter Limits { get; } = new(timeProvider);

    /// <summary>The global limit per second (null: none), as <c>POST /_emulator/settings {"rateLimitPerSecond": N}</c> sets it.</summary>
    public int? RateLimitPerSecond
    {
        get => Limits.GlobalPerSecond;
        set => Limits.GlobalPerSecond = value;
    }

    /// <summary>Requests answered 429 by <see cref="Limits"/>.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>The most requests that arrived within any rolling second.</summary>
    public int MaxRequestsPerSecond { get { lock (_window) { return _maxPerSecond; } } }

    /// <summary>Where to send signed webhook events (null: none are sent).</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>The secret that signs webhook events.</summary>
    public string WebhookSecret { get; set; } = "whsec_emulator";

    /// <summary>Webhook deliveries answered 2xx.</summary>
    public long WebhooksDelivered => Interlocked.Read(ref _webhooksDelivered);

    private long _webhooksDelivered;

    internal void CountWebhookDelivered() => Interlocked.Increment(ref _webhooksDelivered);

    /// <summary>
    /// Keep every event published (with or without <see cref="WebhookUrl"/>), for tests that deliver them themselves,
    /// late, twice or out of order, as Stripe may. Off by default: a long-running emulator would grow without end.
    /// </summary>
    public bool KeepEvents { get; set; }

    private readonly System.Collections.Concurrent.ConcurrentQueue<(string PaymentId, string Payload)> _events = new();

    internal void KeepEvent(EmulatedPaymentIntent pi, string payload)
    {
        if (KeepEvents)
        {
            _events.Enqueue((pi.Metadata.TryGetValue("payment_id", out var id) ? id : pi.Id, payload));
        }
    }

    /// <summary>The events published for one <c>metadata.payment_id</c>, oldest first (only while <see cref="KeepEvents"/>).</summary>
    public IReadOnlyList<string> EventsFor(string paymentId) =>
        _events.Where(e => e.PaymentId == paymentId).Select(e => e.Payload).ToList();

    /// <summary>
    /// Sets the fault mode, for the next <paramref name="count"/> requests or (null) until changed; with
    /// <paramref name="pathEndsWith"/>, only for requests whose path ends with it (e.g. <c>/confirm</c>); with
    /// <paramref name="match"/>, only for requests whose parameter <c>Param</c> starts with <c>Prefix</c> (e.g.
    /// <c>("metadata[member_id]", "BAD-")</c>: a fault that follows some payments, not the vendor);
    /// <paramref name="phase"/> says where a server error strikes.
    /// </summary>
    public void SetFault(FaultMode mode, int? count = null, string? pathEndsWith = null, FaultPhase phase = FaultPhase.InEndpoint, (string Param, string Prefix)? match = null)
    {
        lock (_faultLock)
        {
            _faultMode = mode;
            _faultsLeft = mode == FaultMode.None ? null : count;
            _faultPath = mode == FaultMode.None ? null : pathEndsWith;
            _faultMatch = mode == FaultMode.None ? null : match;
            _faultPhase = phase;
        }
    }

    /// <summary>Creates a PaymentMethod as a front end would (Stripe.js), behaving as the test shortcut <paramref name="behaviour"/>.</summary>
    public EmulatedPaymentMethod CreatePaymentMethod(string behaviour)
    {
        var pm = new EmulatedPaymentMethod { Id = "pm_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)), Behaviour = behaviour };
        PaymentMethods[pm.Id] = pm;
        return pm;
    }

    /// <summary>
    /// Counts an arrival in the rolling second (for <see cref="MaxRequestsPerSecond"/>) and applies <see cref="Limits"/>;
    /// null when admitted, else the limiter that refused it (the request must be answered 429).
    /// </summary>
    internal string? Admit(string endpoint)
    {
        var now = Time.GetUtcNow();
        lock (_window)
        {
            while (_window.Count > 0 && now - _window.Peek() >= TimeSpan.FromSeconds(1))
            {
                _window.Dequeue();
            }

            _window.Enqueue(now);
            _maxPerSecond = Math.Max(_maxPerSecond, _window.Count);
        }

        var refused = Limits.Admit(endpoint);
        if (refused is not null)
        {
            Interlocked.Increment(ref _rateLimited);
        }

        return refused;
    }

    private long _sequence;

    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Counts a request to the Stripe API.</summary>
    internal void CountRequest() => Interlocked.Increment(ref _requests);

    /// <summary>Returns the fault to apply to it, if any, with where it strikes.</summary>
    internal (FaultMode Mode, FaultPhase Phase) NextFault(string path, IReadOnlyDictionary<string, Microsoft.Extensions.Primitives.StringValues> parameters)
    {
        lock (_faultLock)
        {
            if (_faultMode == FaultMode.None
                || (_faultPath is not null && !path.EndsWith(_faultPath, StringComparison.Ordinal))
                || (_faultMatch is { } match && !(parameters.TryGetValue(match.Param, out var value) && value.ToString().StartsWith(match.Prefix, StringComparison.Ordinal))))
            {
                return (FaultMode.None, FaultPhase.InEndpoint);
            }

            var mode = _faultMode;
            var phase = _faultPhase;
            if (_faultsLeft is { } left)
            {
                _faultsLeft = left - 1;
                if (left - 1 <= 0)
                {
                    _faultMode = FaultMode.None;
                    _faultsLeft = null;
                }
            }

            Interlocked.Increment(ref _faultsServed);
            return (mode, phase);
        }
    }

    /// <summary>Successful charges, and invoices paid (out of band or by card), per <c>metadata.payment_id</c> (objects without one are keyed by their own id).</summary>
    public IReadOnlyDictionary<string, int> Ledger() =>
        PaymentIntents.Values
            .Where(pi => pi.InvoiceId is null) // an invoice's card payment is counted on the invoice
            .Select(pi => (Key: pi.Metadata.TryGetValue("payment_id", out var id) ? id : pi.Id, Count: pi.SucceededCharges))
            .Concat(Invoices.Values.Select(i => { lock (i) { return (Key: i.Metadata.TryGetValue("payment_id", out var id) ? id : i.Id, Count: i.OutOfBandPayments + i.CardPayments); } }))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal);

    /// <summary>Successful charges for one payment id (0 when unknown).</summary>
    public int ChargesFor(string paymentId) => Ledger().GetValueOrDefault(paymentId);

    /// <summary>Every intent created for one <c>metadata.payment_id</c>.</summary>
    public IReadOnlyList<EmulatedPaymentIntent> PaymentIntentsFor(string paymentId) =>
        PaymentIntents.Values.Where(pi => pi.Metadata.TryGetValue("payment_id", out var id) && id == paymentId).ToList();

    /// <summary>Looks up an intent by id.</summary>
    public EmulatedPaymentIntent? FindPaymentIntent(string id) => PaymentIntents.GetValueOrDefault(id);
}

/// <summary>A saved answer for an idempotency key, or a marker that a request with the key is in flight.</summary>
internal sealed class IdempotencyRecord
{
    public required string Fingerprint { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public int? StatusCode { get; set; }
    public string? Body { get; set; }
}
