namespace StripeEmulator;

/// <summary>Control endpoints under <c>/_emulator</c>: faults, settings, ledger, authentication.</summary>
internal static class ControlApi
{
    /// <summary>Body of <c>POST /_emulator/faults</c>.</summary>
    internal sealed record FaultRequest(string Mode, int? Count, string? PathEndsWith, string? When, string? Param, string? ValueStartsWith);

    /// <summary>Body of <c>POST /_emulator/payment_methods</c>: a PaymentMethod as a front end creates it.</summary>
    internal sealed record PaymentMethodRequest(string Card);

    /// <summary>
    /// Body of <c>POST /_emulator/settings</c>. <c>rateLimits</c>: <c>stripe</c> (Stripe's sandbox limits, the default)
    /// or <c>none</c>, applied first; then <c>rateLimitPerSecond</c> (global), <c>endpointRateLimitPerSecond</c> and
    /// <c>searchRateLimitPerSecond</c> each set one limit (0: none), as Stripe raises an account's limits on request.
    /// </summary>
    internal sealed record SettingsRequest(
        double? IdempotencyKeyLifetimeSeconds,
        double? HangSeconds,
        string? RateLimits,
        int? RateLimitPerSecond,
        int? EndpointRateLimitPerSecond,
        int? SearchRateLimitPerSecond,
        double? SearchLagSeconds,
        Uri? WebhookUrl,
        string? WebhookSecret);

    /// <summary>Body of <c>POST /_emulator/invoices</c>.</summary>
    internal sealed record InvoiceRequest(string? Id, long AmountDue, string? Currency, string? Status);

    public static void Map(IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_emulator");

        control.MapPost("/invoices", (InvoiceRequest request, EmulatorState state) =>
            request.AmountDue < 0
                ? Results.Problem(statusCode: 400, title: "amountDue must not be negative")
                : Results.Content(InvoiceLogic.Json(InvoiceLogic.Seed(state, request.Id, request.AmountDue, request.Currency, request.Status)).ToJsonString(), "application/json"));

        control.MapPost("/payment_methods", (PaymentMethodRequest request, EmulatorState state) =>
            PaymentMethods.IsShortcut("pm_card_" + request.Card)
                ? Results.Content(PaymentMethods.Json(state.CreatePaymentMethod("pm_card_" + request.Card)).ToJsonString(), "application/json")
                : Results.Problem(statusCode: 400, title: "Unknown card", detail: "Use a test card name such as visa, chargeDeclined, authenticationRequired."));

        control.MapPost("/faults", (FaultRequest request, EmulatorState state) =>
        {
            FaultMode? mode = request.Mode.ToLowerInvariant() switch
            {
                "none" => FaultMode.None,
                "server_error" or "500" => FaultMode.ServerError,
                "timeout" => FaultMode.Timeout,
                "rate_limit" or "429" => FaultMode.RateLimit,
                "permission_error" or "403" => FaultMode.PermissionError,
                "drop_response" => FaultMode.DropResponse,
                _ => null,
            };
            FaultPhase? phase = (request.When ?? "in_endpoint").ToLowerInvariant() switch
            {
                "in_endpoint" => FaultPhase.InEndpoint,
                "before_execution" => FaultPhase.BeforeExecution,
                "after_execution" => FaultPhase.AfterExecution,
                _ => null,
            };
            if (mode is null || phase is null)
            {
                return Results.Problem(statusCode: 400, title: "Unknown fault mode or phase", detail: "Modes: none, server_error, timeout, rate_limit, drop_response; when (server_error): in_endpoint (default), before_execution, after_execution.");
            }

            if ((request.Param is null) != (request.ValueStartsWith is null))
            {
                return Results.Problem(statusCode: 400, title: "param and valueStartsWith go together", detail: "Example: {\"mode\":\"server_error\",\"param\":\"metadata[member_id]\",\"valueStartsWith\":\"BAD-\"}.");
            }

            state.SetFault(mode.Value, request.Count, request.PathEndsWith, phase.Value, request.Param is null ? null : (request.Param, request.ValueStartsWith!));
            return Results.Ok(new { mode = mode.Value.ToString(), request.Count, when = phase.Value.ToString() });
        });

        control.MapPost("/settings", (SettingsRequest request, EmulatorState state) =>
        {
            if (request.IdempotencyKeyLifetimeSeconds is { } lifetime)
            {
                state.IdempotencyKeyLifetime = TimeSpan.FromSeconds(lifetime);
            }

            if (request.HangSeconds is { } hang)
            {
                state.HangTime = TimeSpan.FromSeconds(hang);
            }

            switch (request.RateLimits?.ToLowerInvariant())
            {
                case null:
                    break;
                case "stripe":
                    state.Limits.UseStripeDefaults();
                    break;
                case "none":
                    state.Limits.Lift();
                    break;
                default:
                    return Results.Problem(statusCode: 400, title: "Unknown rateLimits", detail: "Use stripe (Stripe's sandbox limits) or none.");
            }

            if (request.RateLimitPerSecond is { } rate)
            {
                state.Limits.GlobalPerSecond = rate > 0 ? rate : null;
            }

            if (request.EndpointRateLimitPerSecond is { } endpointRate)
            {
                state.Limits.EndpointPerSecond = endpointRate > 0 ? endpointRate : null;
            }

            if (request.SearchRateLimitPerSecond is { } searchRate)
            {
                state.Limits.SearchPerSecond = searchRate > 0 ? searchRate : null;
            }

            if (request.SearchLagSeconds is { } lag)
            {
                state.SearchLag = TimeSpan.FromSeconds(lag);
            }

            if (request.WebhookUrl is not null)
            {
                state.WebhookUrl = request.WebhookUrl;
            }

            if (request.WebhookSecret is not null)
            {
                state.WebhookSecret = request.WebhookSecret;
            }

            return Results.Ok(new { rateLimitPerSecond = state.Limits.GlobalPerSecond, endpointRateLimitPerSecond = state.Limits.EndpointPerSecond, searchRateLimitPerSecond = state.Limits.SearchPerSecond, webhookUrl = state.WebhookUrl, idempotencyKeyLifetimeSeconds = state.IdempotencyKeyLifetime.TotalSeconds, searchLagSeconds = state.SearchLag.TotalSeconds, hangSeconds = state.HangTime.TotalSeconds });
        });

        control.MapGet("/ledger", (EmulatorState state) => Results.Ok(new
        {
            charges = state.Ledger(),
            requests = state.Requests,
            faultsServed = state.FaultsServed,
            rateLimited = state.RateLimited,
            maxRequestsPerSecond = state.MaxRequestsPerSecond,
            webhooksDelivered = state.WebhooksDelivered,
        }));

        control.MapMethods("/invoices/{id}/hosted", ["GET", "POST"], (string id, EmulatorState state) =>
            state.FindInvoice(id) is { } invoice && InvoiceLogic.Authenticate(state, invoice)
                ? Results.Ok(new { id, status = "paid" })
                : Results.NotFound());

        control.MapMethods("/authenticate/{id}", ["GET", "POST"], (string id, EmulatorState state) =>
            state.FindPaymentIntent(id) is { } pi && PaymentIntentLogic.Authenticate(state, pi)
                ? Results.Ok(new { id, status = "succeeded" })
                : Results.NotFound());
    }
}
