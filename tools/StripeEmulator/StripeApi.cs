using System.Text;
using System.Text.Json.Nodes;

namespace StripeEmulator;

/// <summary>Maps the emulated Stripe endpoints: auth, injected faults and idempotency wrap every call.</summary>
internal static class StripeApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/payment_intents", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, form => PaymentIntentLogic.Create(state, form, BaseUrl(ctx))));

        app.MapGet("/v1/invoices/{id}", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, _ => state.FindInvoice(id) is { } invoice ? ApiAnswer.Ok(InvoiceLogic.Json(invoice)) : InvoiceMissing(id)));

        app.MapPost("/v1/invoices/{id}", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, form => state.FindInvoice(id) is { } invoice ? InvoiceLogic.Update(invoice, form) : InvoiceMissing(id)));

        app.MapPost("/v1/invoices/{id}/pay", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, form => state.FindInvoice(id) is { } invoice ? InvoiceLogic.Pay(invoice, form) : InvoiceMissing(id)));

        app.MapGet("/v1/balance", (HttpContext ctx, EmulatorState state) =>
            Handle(ctx, state, _ => ApiAnswer.Ok(new JsonObject
            {
                ["object"] = "balance",
                ["livemode"] = false,
                ["available"] = new JsonArray(new JsonObject { ["amount"] = state.Ledger().Count, ["currency"] = "usd" }),
                ["pending"] = new JsonArray(),
            })));

        app.MapGet("/v1/payment_intents/{id}", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, _ => state.FindPaymentIntent(id) is { } pi
                ? ApiAnswer.Ok(StripeJson.PaymentIntent(pi))
                : ApiAnswer.NotFound(id, "intent")));

        app.MapPost("/v1/payment_intents/{id}/confirm", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, form => state.FindPaymentIntent(id) is { } pi
                ? PaymentIntentLogic.Confirm(state, pi, string.IsNullOrEmpty(form["payment_method"]) ? null : form["payment_method"].ToString(), BaseUrl(ctx))
                : ApiAnswer.NotFound(id, "intent")));

        app.MapPost("/v1/payment_intents/{id}/cancel", (HttpContext ctx, EmulatorState state, string id) =>
            Handle(ctx, state, _ => state.FindPaymentIntent(id) is { } pi
                ? PaymentIntentLogic.Cancel(state, pi)
                : ApiAnswer.NotFound(id, "intent")));
    }

    private static ApiAnswer InvoiceMissing(string id) =>
        new(404, StripeJson.Error("invalid_request_error", $"No such invoice: '{id}'", "resource_missing", "invoice"));

    private static string BaseUrl(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}";

    private static async Task Handle(HttpContext ctx, EmulatorState state, Func<IFormCollection, ApiAnswer> operation)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer sk_test_", StringComparison.Ordinal))
        {
            await Write(ctx, new ApiAnswer(401, StripeJson.Error("invalid_request_error", "Invalid API Key provided."))).ConfigureAwait(false);
            return;
        }

        if (!state.Admit())
        {
            await Write(ctx, new ApiAnswer(429, StripeJson.Error("invalid_request_error", "Too many requests hit the API too quickly.", "rate_limit"))).ConfigureAwait(false);
            return;
        }

        var fault = state.NextFault(ctx.Request.Path);
        switch (fault)
        {
            case FaultMode.ServerError:
                ctx.Response.Headers["Stripe-Should-Retry"] = "true";
                await Write(ctx, new ApiAnswer(500, StripeJson.Error("api_error", "An unknown error occurred (emulated outage)."))).ConfigureAwait(false);
                return;
            case FaultMode.RateLimit:
                await Write(ctx, new ApiAnswer(429, StripeJson.Error("invalid_request_error", "Too many requests hit the API too quickly.", "rate_limit"))).ConfigureAwait(false);
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
        }

        var form = ctx.Request.HasFormContentType
            ? await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false)
            : FormCollection.Empty;

        if (fault == FaultMode.DropResponse)
        {
            // The work is done (and saved under the key) but the answer is lost on the way back.
            var wrapped = operation;
            operation = f =>
            {
                var answer = wrapped(f);
                ctx.Abort();
                return answer;
            };
        }

        var key = ctx.Request.Headers["Idempotency-Key"].ToString();
        if (!HttpMethods.IsPost(ctx.Request.Method) || key.Length == 0)
        {
            await Write(ctx, operation(form)).ConfigureAwait(false);
            return;
        }

        var fingerprint = Fingerprint(ctx.Request, form);
        var now = state.Time.GetUtcNow();
        var fresh = new IdempotencyRecord { Fingerprint = fingerprint, CreatedAt = now };
        var record = state.IdempotencyRecords.AddOrUpdate(
            key,
            fresh,
            (_, existing) => existing.CreatedAt + state.IdempotencyKeyLifetime <= now ? fresh : existing);

        if (!ReferenceEquals(record, fresh))
        {
            await Write(ctx, Replay(record, fingerprint, key), replayed: record.StatusCode is not null && record.Fingerprint == fingerprint).ConfigureAwait(false);
            return;
        }

        ApiAnswer answer;
        try
        {
            answer = operation(form);
        }
        catch
        {
            state.IdempotencyRecords.TryRemove(new KeyValuePair<string, IdempotencyRecord>(key, fresh));
            throw;
        }

        lock (fresh)
        {
            fresh.StatusCode = answer.StatusCode;
            fresh.Body = answer.Body.ToJsonString();
        }

        await Write(ctx, answer).ConfigureAwait(false);
    }

    private static ApiAnswer Replay(IdempotencyRecord record, string fingerprint, string key)
    {
        lock (record)
        {
            if (record.StatusCode is not { } status)
            {
                return new(409, StripeJson.Error(
                    "idempotency_error",
                    "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " + key + ". Please try again later.",
                    "idempotency_key_in_use"));
            }

            if (record.Fingerprint != fingerprint)
            {
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
