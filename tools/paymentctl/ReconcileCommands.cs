using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace PaymentCtl;

/// <summary>
/// <c>paymentctl reconcile --from … --to …</c> (reconcile a window of our books with Stripe's, wait for the report),
/// <c>paymentctl reconcile show ID</c> and <c>paymentctl reconcile list</c>. Exit 1 when a report has mismatches or failed.
/// </summary>
internal static class ReconcileCommands
{
    public static Command Create(CommandWrapper wrap, TextWriter error)
    {
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start of the window, included (ISO 8601, e.g. 2026-12-06T05:00:00Z)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End of the window, excluded; not in the future." };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the queued report's id at once instead of waiting for it." };
        var reconcile = new Command("reconcile", "Reconcile a window of our books with Stripe's and print the report; exits 1 on any mismatch.") { from, to, noWait, Show(wrap), List(wrap) };
        reconcile.SetAction(wrap(async (ctx, ct) =>
        {
            if (ctx.Parse.GetValue(from) is not { } start || ctx.Parse.GetValue(to) is not { } end)
            {
                throw new CliException(ExitCodes.Usage, "Give the window: paymentctl reconcile --from 2026-12-06T05:00:00Z --to 2026-12-07T05:00:00Z (or reconcile show ID, reconcile list).");
            }

            var queued = await ctx.Api.PostJsonAsync("api/ops/reconciliations", new { from = start, to = end }, ct).ConfigureAwait(false);
            var id = Render.Text(queued, "reconciliationId")!;
            if (ctx.Parse.GetValue(noWait))
            {
                return Print(ctx, queued);
            }

            error.WriteLine($"reconciliation {id} queued; waiting for it (paymentctl reconcile show {id})");
            while (true)
            {
                var report = await ctx.Api.GetAsync($"api/ops/reconciliations/{Uri.EscapeDataString(id)}", ct).ConfigureAwait(false);
                if (Render.Text(report, "status") is "complete" or "failed")
                {
                    return Print(ctx, report);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
            }
        }));
        return reconcile;
    }

    private static Command Show(CommandWrapper wrap)
    {
        var id = new Argument<string>("id") { Description = "The reconciliation's id (daily_yyyy-MM-dd or rec_…)." };
        var show = new Command("show", "Print a reconciliation's report with its mismatches; exits 1 on any mismatch.") { id };
        show.SetAction(wrap(async (ctx, ct) =>
            Print(ctx, await ctx.Api.GetAsync($"api/ops/reconciliations/{Uri.EscapeDataString(ctx.Parse.GetValue(id)!)}", ct).ConfigureAwait(false))));
        return show;
    }

    private static Command List(CommandWrapper wrap)
    {
        var limit = new Option<int>("--limit") { Description = "At most this many (1–200).", DefaultValueFactory = _ => 20 };
        var list = new Command("list", "The reconciliations, newest first, with their counts.") { limit };
        list.SetAction(wrap(async (ctx, ct) =>
        {
            var answer = await ctx.Api.GetAsync(string.Create(CultureInfo.InvariantCulture, $"api/ops/reconciliations?limit={ctx.Parse.GetValue(limit)}"), ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(answer);
                return ExitCodes.Ok;
            }

            ctx.Out.Table("Reconciliations", ["id", "from", "to", "status", "matched", "mismatches", "charged, not posted", "pending"],
                answer.GetProperty("reconciliations").EnumerateArray().Select(r => new[]
                {
                    Render.Text(r, "reconciliationId"), Render.Text(r.GetProperty("window"), "from"), Render.Text(r.GetProperty("window"), "to"), Render.Text(r, "status"),
                    Count(r, "matched"), Count(r, "mismatches"), Summary(r) is { } s ? Render.Text(s.GetProperty("byKind"), "charged-not-posted") : null, Count(r, "pending"),
                }));
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static int Print(CliContext ctx, JsonElement report)
    {
        var bad = Render.Text(report, "status") == "failed" || (Summary(report) is { } s && s.GetProperty("mismatches").GetInt32() > 0);
        if (ctx.Out.Json)
        {
            ctx.Out.JsonDocument(report);
            return bad ? ExitCodes.Problem : ExitCodes.Ok;
        }

        var window = report.GetProperty("window");
        ctx.Out.KeyValues($"Reconciliation {Render.Text(report, "reconciliationId")}", [
            ("window", $"{Render.Text(window, "from")} to {Render.Text(window, "to")}"),
            ("status", Render.Text(report, "status")),
            ("error", Render.Text(report, "error")),
            ("stripe intents / succeeded", Summary(report) is { } a ? $"{Render.Text(a, "stripeIntents")} / {Render.Text(a, "stripeSucceeded")}" : null),
            ("stripe invoices paid", Count(report, "stripeInvoicesPaid")),
            ("ours posted", Count(report, "oursPosted")),
            ("matched", Count(report, "matched")),
            ("pending (in flight here)", Count(report, "pending")),
            ("mismatches", Count(report, "mismatches")),
        ]);
        if (report.TryGetProperty("mismatches", out var mismatches) && mismatches.GetArrayLength() > 0)
        {
            ctx.Out.Table("Mismatches", ["kind", "payment", "stripe object", "stripe", "ours", "detail"], mismatches.EnumerateArray().Select(m => new[]
            {
                Render.Text(m, "kind"), Render.Text(m, "paymentId"), Render.Text(m, "stripeObject"),
                $"{Render.Text(m, "stripeStatus")} {Render.Text(m, "stripeAmount")} {Render.Text(m, "stripeCurrency")}".Trim(),
                $"{Render.Text(m, "ourStatus")} {Render.Text(m, "ourAmount")} {Render.Text(m, "ourCurrency")}".Trim(),
                Render.Text(m, "detail"),
            }));
        }

        return bad ? ExitCodes.Problem : ExitCodes.Ok;
    }

    private static JsonElement? Summary(JsonElement report) =>
        report.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Object ? summary : null;

    private static string? Count(JsonElement report, string name) => Summary(report) is { } summary ? Render.Text(summary, name) : null;
}
