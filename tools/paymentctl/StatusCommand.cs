using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace PaymentCtl;

/// <summary><c>paymentctl status</c>: vendor, queues and payments in flight at a glance.</summary>
internal static class StatusCommand
{
    public static Command Create(CommandWrapper wrap)
    {
        var command = new Command("status", "Vendor state, queue depths, payments in flight, poisoned messages (admin key).");
        command.SetAction(wrap(async (ctx, ct) =>
        {
            var status = await ctx.Api.GetAsync("api/ops/status", ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(status);
                return ExitCodes.Ok;
            }

            var vendor = status.GetProperty("vendor");
            var queues = status.GetProperty("queues");
            var inFlight = status.GetProperty("inFlight");
            var unread = inFlight.TryGetProperty("unread", out var u) && u.ValueKind == JsonValueKind.Number ? u.GetInt32() : 0;
            var byStatus = string.Join(", ", inFlight.GetProperty("byStatus").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt32()}")
                .Concat(unread > 0 ? [$"not read {unread}"] : []));
            var final = string.Join(", ", status.GetProperty("last24Hours").GetProperty("byStatus").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt64()}"));
            ctx.Out.KeyValues("PaymentFunctions status", [
                ("vendor", Render.Text(vendor, "state")),
                ("down since", Render.Text(vendor, "downSince")),
                ("key refused since", Render.Text(vendor, "misconfiguredSince")),
                ("circuit", $"{Render.Text(vendor, "circuit")} ({Render.Text(vendor, "consecutiveFailures")} consecutive failures)"),
                ("last successful vendor call", Render.Text(vendor, "lastSuccessAt")),
                ("queue payments", Render.Text(queues, "payments")),
                ("queue payments-poison", Render.Text(queues, "paymentsPoison")),
                ("poisoned messages", Render.Text(status, "poisonedMessages")),
                ("payments in flight", $"{Render.Text(inFlight, "total")}{(byStatus.Length > 0 ? $" ({byStatus})" : "")}"),
                ("oldest not posted", inFlight.TryGetProperty("oldestNotPostedAgeSeconds", out var age) && age.ValueKind == JsonValueKind.Number
                    ? string.Create(CultureInfo.InvariantCulture, $"{age.GetDouble():0} s ago ({Render.Text(inFlight, "oldestNotPostedAcceptedAt")})")
                    : "-"),
                ("finished in the last 24 h", final.Length > 0 ? final : "none"),
            ]);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
