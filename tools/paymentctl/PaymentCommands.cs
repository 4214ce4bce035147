using System.CommandLine;

namespace PaymentCtl;

/// <summary><c>paymentctl payment show ID</c>.</summary>
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
        return new Command("payment", "Payments.") { show };
    }
}
