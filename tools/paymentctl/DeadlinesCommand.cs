using System.CommandLine;

namespace PaymentCtl;

/// <summary><c>paymentctl deadlines</c>: how many payments met each deadline, and whether they are all posted.</summary>
internal static class DeadlinesCommand
{
    public static Command Create(CommandWrapper wrap)
    {
        var command = new Command("deadlines", "For each deadline of the calendar: payments that met it, posted, in flight, declined, failed, by kind and local day.");
        command.SetAction(wrap(async (ctx, ct) =>
        {
            var answer = await ctx.Api.GetAsync("api/ops/deadlines", ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(answer);
                return ExitCodes.Ok;
            }

            var deadlines = answer.GetProperty("deadlines").EnumerateArray().ToList();
            if (deadlines.Count == 0)
            {
                ctx.Out.Line("No deadline calendar is configured (Deadlines:Calendar).");
                return ExitCodes.Ok;
            }

            ctx.Out.Table("Deadlines", ["deadline", "pay by (local)", "coverage from", "kind", "met", "posted", "in flight", "declined", "failed", "all posted"],
                deadlines.SelectMany(d => new[] { ("all", d.GetProperty("total")), ("card", d.GetProperty("byKind").GetProperty("card")), ("check", d.GetProperty("byKind").GetProperty("check")) }
                    .Select(k => new[]
                    {
                        Render.Text(d, "name"), Render.Text(d, "payBy"), Render.Text(d, "coverageStart"), k.Item1,
                        Render.Text(k.Item2, "met"), Render.Text(k.Item2, "posted"), Render.Text(k.Item2, "inFlight"),
                        Render.Text(k.Item2, "declined"), Render.Text(k.Item2, "failed"), Render.Text(k.Item2, "allPosted"),
                    })));
            ctx.Out.Table("Met per local day", ["deadline", "day", "cards", "checks"],
                deadlines.SelectMany(d => d.GetProperty("byLocalDay").EnumerateArray().Select(day => new[]
                {
                    Render.Text(d, "name"), Render.Text(day, "date"),
                    Render.Text(day.GetProperty("byKind"), "card") ?? "0", Render.Text(day.GetProperty("byKind"), "check") ?? "0",
                })));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
