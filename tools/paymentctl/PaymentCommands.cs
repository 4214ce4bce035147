using System.CommandLine;

namespace PaymentCtl;

/// <summary><c>paymentctl payment show ID</c>, <c>paymentctl payment history ID</c>, <c>paymentctl payment list --member M</c>.</summary>
internal static class PaymentCommands
{
    public static Command Create(CommandWrapper wrap)
    {
        var id = new Argument<string>("id") { Description = "The payment id (pay_…)." };
        var show = new Command("show", "Show one payment and its status.") { id };
        show.SetAction(wrap(async (ctx, ct) =>
        {
            var payment = await ctx.Api.GetAsync($"api/payments/{Uri.EscapeDataString(ctx.Parse.GetValue(id)!)}", ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(payment);
                return ExitCodes.Ok;
            }

            ctx.Out.KeyValues($"Payment {Render.Text(payment, "paymentId")}", [
                ("status", Render.Text(payment, "status")),
                ("amount", Render.Money(payment)),
                ("member", Render.Text(payment, "memberId")),
                ("accepted at", Render.Text(payment, "acceptedAt")),
                ("attempts", Render.Text(payment, "attempts")),
                ("vendor reference", Render.Text(payment, "vendorReference")),
                ("last error", Render.Text(payment, "lastError")),
                ("decline code", Render.Text(payment, "declineCode")),
                ("next attempt at", Render.Text(payment, "nextAttemptAt")),
                ("next action", Render.Text(payment, "nextActionUrl")),
                ("posted at", Render.Text(payment, "postedAt")),
                ("replays", Render.Text(payment, "replayCount")),
            ]);
            return ExitCodes.Ok;
        }));
        var historyId = new Argument<string>("id") { Description = "The payment id (pay_…)." };
        var history = new Command("history", "Show every move of one payment, oldest first: when, from → to, why, by whom.") { historyId };
        history.SetAction(wrap(async (ctx, ct) =>
        {
            var moves = await ctx.Api.GetAsync($"api/payments/{Uri.EscapeDataString(ctx.Parse.GetValue(historyId)!)}/history", ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(moves);
                return ExitCodes.Ok;
            }

            ctx.Out.Table(
                $"Payment {Render.Text(moves, "paymentId")} of member {Render.Text(moves, "memberId")}: {Render.Text(moves, "status")}",
                ["#", "at", "from", "to", "cause", "actor", "attempt", "vendor reference", "code", "detail"],
                moves.GetProperty("moves").EnumerateArray().Select(m => new[]
                {
                    Render.Text(m, "sequence"), Render.Text(m, "at"), Render.Text(m, "from") ?? "-", Render.Text(m, "to"), Render.Text(m, "cause"),
                    Render.Text(m, "actor"), Render.Text(m, "attempt"), Render.Text(m, "vendorReference"), Render.Text(m, "code"), Render.Text(m, "detail"),
                }));
            return ExitCodes.Ok;
        }));

        var member = new Option<string>("--member") { Description = "The member id.", Required = true };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (1 to 200).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List a member's payments, newest accepted first.") { member, limit };
        list.SetAction(wrap(async (ctx, ct) =>
        {
            var query = $"api/payments?memberId={Uri.EscapeDataString(ctx.Parse.GetValue(member)!)}&limit={ctx.Parse.GetValue(limit)}";
            var listing = await ctx.Api.GetAsync(query, ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(listing);
                return ExitCodes.Ok;
            }

            ctx.Out.Table(
                $"Payments of member {Render.Text(listing, "memberId")}",
                ["payment", "kind", "status", "amount", "accepted at", "posted at", "last error"],
                listing.GetProperty("payments").EnumerateArray().Select(p => new[]
                {
                    Render.Text(p, "paymentId"), Render.Text(p, "kind"), Render.Text(p, "status"), Render.Money(p),
                    Render.Text(p, "acceptedAt"), Render.Text(p, "postedAt"), Render.Text(p, "lastError"),
                }));
            return ExitCodes.Ok;
        }));

        return new Command("payment", "Payments.") { show, history, list };
    }
}
