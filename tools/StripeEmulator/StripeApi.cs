using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace StripeEmulator;

/// <summary>
/// Maps the emulated Stripe endpoints. Every request passes, in Stripe's order: authentication, the rate limit,
/// parameter validation (refused requests are never saved under an idempotency key), faults that strike before the
/// endpoint runs, the idempotency layer, and the endpoint itself (whose answer — a 500 raised inside it included —
/// is saved under the key and replayed; docs.stripe.com/api/idempotent_requests).
/// </summary>
internal static class StripeApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/payment_intents", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, ApiParameters.CreatePaymentIntent, form => PaymentIntentLogic.Create(state, form, BaseUrl(ctx), ApiVersionOf(ctx, state))));

        app.MapGet("/v1/payment_intents", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, ApiParameters.ListPaymentIntents, form => PaymentIntentLogic.List(state, form)));

        app.MapGet("/v1/payment_intents/search", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, ApiParameters.SearchPaymentIntents, form => PaymentIntentLogic.Search(state, form["query"].ToString())));

        app.MapGet("/v1/payment_intents/{id}", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, ApiParameters.RetrievePaymentIntent, _ => state.FindPaymentIntent(id) is { } pi
                ? ApiAnswer.Ok(StripeJson.PaymentIntent(pi))
                : ApiAnswer.NotFound(id, "intent")));

        app.MapPost("/v1/payment_intents/{id}/confirm", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, ApiParameters.ConfirmPaymentIntent, form => state.FindPaymentIntent(id) is { } pi
                ? PaymentIntentLogic.Confirm(state, pi, NullIfEmpty(form["payment_method"]), NullIfEmpty(form["return_url"]), BaseUrl(ctx), NullIfEmpty(form["confirmation_token"]))
                : ApiAnswer.NotFound(id, "intent")));

        app.MapPost("/v1/payment_intents/{id}/cancel", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, ApiParameters.CancelPaymentIntent, form => state.FindPaymentIntent(id) is { } pi
                ? PaymentIntentLogic.Cancel(state, pi, form)
                : ApiAnswer.NotFound(id, "intent")));

        app.MapPost("/v1/test_helpers/confirmation_tokens", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, ApiParameters.CreateConfirmationToken, form => ConfirmationTokens.Create(state, form)));

        app.MapGet("/v1/confirmation_tokens/{id}", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, ApiParameters.RetrieveOnly, _ => state.FindConfirmationToken(id) is { } ct
                ? ApiAnswer.Ok(ConfirmationTokens.Json(ct))
                : ApiAnswer.InvalidRequest($"No such confirmation_token: '{id}'", "resource_missing", "id") with { StatusCode = 404 }));

        app.MapPost("/v1/payment_methods", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, ApiParameters.CreatePaymentMethod, form => PaymentMethods.Create(state, form)));

        app.MapGet("/v1/invoices", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, ApiParameters.ListInvoices, form => InvoiceLogic.List(state, form)));

        app.MapGet("/v1/invoice_payments", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, ApiParameters.ListInvoicePayments, form => InvoiceLogic.ListPayments(state, form)));

        app.MapGet("/v1/invoices/{id}", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, ApiParameters.RetrieveOnly, _ => state.FindInvoice(id) is { } invoice ? ApiAnswer.Ok(InvoiceLogic.Json(invoice)) : InvoiceMissing(id)));

        app.MapPost("/v1/invoices/{id}", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, ApiParameters.UpdateInvoice, form => state.FindInvoice(id) is { } invoice ? InvoiceLogic.Update(invoice, form) : InvoiceMissing(id)));

        app.MapPost("/v1/invoices/{id}/pay", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, ApiParameters.PayInvoice, form => state.FindInvoice(id) is { } invoice ? InvoiceLogic.Pay(state, invoice, form, BaseUrl(ctx)) : InvoiceMissing(id)));

        app.MapPost("/v1/payment_methods/{id}/attach", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, ApiParameters.AttachPaymentMethod, form => PaymentMethods.Attach(state, id, form["customer"].ToString())));

        app.MapGet("/v1/balance", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, ApiParameters.RetrieveOnly, _ => ApiAnswer.Ok(new JsonObject
            {
                ["object"] = "balance",
                ["livemode"] = false,
                ["available"] = new JsonArray(new JsonObject { ["amount"] = state.Ledger().Count, ["currency"] = "usd" }),
                ["pending"] = new JsonArray(),
            })));
    }

    /// <summary>
    /// The secret key as Stripe accepts it: <c>Authorization: Bearer sk_…</c>, or HTTP Basic with the key as the user
    /// name and no password, as in Stripe's curl examples (docs.stripe.com/api/authentication). Test-mode keys only.
    /// </summary>
    internal static string? ApiKey(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header) || header.Parameter is not { Length: > 0 } parameter)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return parameter;
        }

        if (!header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            return decoded.Split(':', 2)[0];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static ApiAnswer InvoiceMissing(string id) =>
        new(404, StripeJson.Error("invalid_request_error", $"No such invoice: '{id}'", "resource_missing", "invoice"));

    /// <summary>The request's <c>Stripe-Version</c>, or the emulator's (the account default) when none is sent.</summary>
    private static string ApiVersionOf(HttpContext ctx, EmulatorState state) =>
        ctx.Request.Headers["Stripe-Version"].ToString() is { Length: > 0 } version ? version : state.ApiVersion;

    private static string BaseUrl(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}";

    private static string? NullIfEmpty(StringValues value) => string.IsNullOrEmpty(value) ? null : value.ToString();

    /// <summary>Stripe's answer to a rate-limited request: 429, <c>rate_limit</c>.</summary>
    private static ApiAnswer RateLimited() =>
        new(429, StripeJson.Error("invalid_request_error", "Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.", "rate_limit"));

    /// <summary>The named operation a request is (method and route template), the unit of Stripe's per-endpoint limit.</summary>
    private static string EndpointName(HttpContext ctx) =>
        $"{ctx.Request.Method} {(ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? ctx.Request.Path.ToString()}";

    private static ApiAnswer ServerError() => new(500, StripeJson.Error("api_error", "An unknown error occurred (emulated outage)."));

    private static async Task Handle(HttpContext ctx, EmulatorState state, IReadOnlyDictionary<string, Param> parameters, Func<IFormCollection, ApiAnswer> operation)
    {
        state.CountRequest();
        var key = ApiKey(ctx.Request);
        if (key is null || !(key.StartsWith("sk_test_", StringComparison.Ordinal) || key.StartsWith("rk_test_", StringComparison.Ordinal)))
        {
            await Write(ctx, new ApiAnswer(401, StripeJson.Error("invalid_request_error", $"Invalid API Key provided: {Mask(key)}"))).ConfigureAwait(false);
            return;
        }

        if (ctx.Request.Headers["Stripe-Version"].ToString() is { Length: > 0 } version)
        {
            state.ApiVersion = version;
        }

        if (state.Admit(EndpointName(ctx)) is { } limiter)
        {
            // docs.stripe.com/rate-limits: 429 before the endpoint runs, so nothing is saved under the key; the header
            // names the limiter that refused it.
            ctx.Response.Headers["Stripe-Rate-Limited-Reason"] = limiter;
            await Write(ctx, RateLimited()).ConfigureAwait(false);
            return;
        }

        IFormCollection form;
        try
        {
            form = HttpMethods.IsGet(ctx.Request.Method)
                ? new FormCollection(ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value))
                : ctx.Request.HasFormContentType
                    ? await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false)
                    : FormCollection.Empty;
        }
        catch (InvalidDataException ex)
        {
            // A body the form reader refuses (a null byte in a value, too many values): Stripe answers invalid input
            // with 400 before anything runs (docs.stripe.com/changelog/2015-10-12), so nothing is saved under the key.
            await Write(ctx, ApiAnswer.InvalidRequest($"Invalid request body: {ex.Message}")).ConfigureAwait(false);
            return;
        }

        if (ApiParameters.Validate(form, parameters) is { } invalid)
        {
            await Write(ctx, invalid).ConfigureAwait(false);
            return;
        }

        var (fault, phase) = state.NextFault(ctx.Request.Path, form.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal));
        switch (fault)
        {
            case FaultMode.ServerError when phase == FaultPhase.BeforeExecution:
                ctx.Response.Headers["Stripe-Should-Retry"] = "true";
                await Write(ctx, ServerError()).ConfigureAwait(false);
                return;
            case FaultMode.ServerError when phase == FaultPhase.InEndpoint:
                operation = _ => ServerError();
                break;
            case FaultMode.ServerError:
                var executed = operation;
                operation = f =>
                {
                    executed(f);
                    return ServerError();
                };
                break;
            case FaultMode.RateLimit:
                await Write(ctx, RateLimited()).ConfigureAwait(false);
                return;
            case FaultMode.PermissionError:
                await Write(ctx, new ApiAnswer(403, StripeJson.Error("invalid_request_error", "The provided key does not have the required permissions for this endpoint. Having the 'rak_balance_read' permission would allow this request to continue."))).ConfigureAwait(false);
                return;
            case FaultMode.Timeout:
                try
                {
                    await Task.Delay(state.HangTime, state.Time, ctx.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await Write(ctx, new ApiAnswer(504, StripeJson.Error("api_error", "Gateway timeout (emulated outage)."))).ConfigureAwait(false);
                return;
            case FaultMode.DropResponse:
                // The work is done (and saved under the key) but the answer is lost on the way back.
                var wrapped = operation;
                operation = f =>
                {
                    var answer = wrapped(f);
                    ctx.Abort();
                    return answer;
                };
                break;
        }

        var idempotencyKey = ctx.Request.Headers["Idempotency-Key"].ToString();
        if (!HttpMethods.IsPost(ctx.Request.Method) || idempotencyKey.Length == 0)
        {
            await Write(ctx, operation(form)).ConfigureAwait(false);
            return;
        }

        var fingerprint = Fingerprint(ctx.Request, form);
        var now = state.Time.GetUtcNow();
        var fresh = new IdempotencyRecord { Fingerprint = fingerprint, CreatedAt = now };
        var record = state.IdempotencyRecords.AddOrUpdate(
            idempotencyKey,
            fresh,
            (_, existing) => existing.CreatedAt + state.IdempotencyKeyLifetime <= now ? fresh : existing);

        if (!ReferenceEquals(record, fresh))
        {
            await Write(ctx, Replay(record, fingerprint, idempotencyKey), replayed: record.StatusCode is not null && record.Fingerprint == fingerprint).ConfigureAwait(false);
            return;
        }

        ApiAnswer result;
        try
        {
            result = operation(form);
        }
        catch
        {
            state.IdempotencyRecords.TryRemove(new KeyValuePair<string, IdempotencyRecord>(idempotencyKey, fresh));
            throw;
        }

        lock (fresh)
        {
            fresh.StatusCode = result.StatusCode;
            fresh.Body = result.Body.ToJsonString();
        }

        await Write(ctx, result).ConfigureAwait(false);
    }

    private static string Mask(string? key) => key is null ? "(none)" : key.Length <= 12 ? key : key[..8] + "*****" + key[^4..];

    private static ApiAnswer Replay(IdempotencyRecord record, string fingerprint, string key)
    {
        lock (record)
        {
            if (record.StatusCode is not { } status)
            {
                // docs.stripe.com/error-low-level#idempotency: a concurrent request with the key is refused, not saved.
                return new(409, StripeJson.Error(
                    "idempotency_error",
                    "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " + key + ". Please try again later.",
                    "idempotency_key_in_use"));
            }

            if (record.Fingerprint != fingerprint)
            {
                // docs.stripe.com/api/idempotent_requests: other parameters under the same key are an error.
                return new(400, StripeJson.Error(
                    "idempotency_error",
                    $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."));
            }

            return new(status, JsonNode.Parse(record.Body!)!.AsObject());
        }
    }

    private static string Fingerprint(HttpRequest request, IFormCollection form)
    {
        var sb = new StringBuilder().Append(request.Method).Append(' ').Append(request.Path).Append('?');
        foreach (var k in form.Keys.Order(StringComparer.Ordinal))
        {
            sb.Append(k).Append('=').Append(form[k].ToString()).Append('&');
        }

        return sb.ToString();
    }

    private static async Task Write(HttpContext ctx, ApiAnswer answer, bool replayed = false)
    {
        if (ctx.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        ctx.Response.StatusCode = answer.StatusCode;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers["Request-Id"] = "req_" + Guid.NewGuid().ToString("N")[..14];
        if (replayed)
        {
            ctx.Response.Headers["Idempotent-Replayed"] = "true";
        }

        await ctx.Response.WriteAsync(answer.Body.ToJsonString(), ctx.RequestAborted).ConfigureAwait(false);
    }
}
