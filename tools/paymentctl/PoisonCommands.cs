using System.CommandLine;

namespace PaymentCtl;

/// <summary><c>paymentctl poison list | show ID | replay</c> (admin key).</summary>
internal static class PoisonCommands
{
    public static Command Create(CommandWrapper wrap) =>
        new("poison", "Poisoned messages: list, show, replay (admin key).") { List(wrap), Show(wrap), Replay(wrap) };

    private static Command List(CommandWrapper wrap)
    {
        var pageSize = new Option<int>("--page-size") { Description = "Messages per page (1–500).", DefaultValueFactory = _ => 50 };
        var pageToken = new Option<string?>("--page-token") { Description = "Token of the next page, from the previous listing." };
        var list = new Command("list", "Poisoned messages grouped by failure fingerprint, newest first.") { pageSize, pageToken };
        list.SetAction(wrap(async (ctx, ct) =>
        {
            var query = $"api/ops/poison?pageSize={ctx.Parse.GetValue(pageSize)}" + (ctx.Parse.GetValue(pageToken) is { } token ? $"&pageToken={Uri.EscapeDataString(token)}" : "");
            var listing = await ctx.Api.GetAsync(query, ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(listing);
                return ExitCodes.Ok;
            }

            ctx.Out.Table($"{Render.Text(listing, "total")} poisoned message(s) by cause", ["fingerprint", "count", "exception", "origin", "newest", "example"],
                listing.GetProperty("groups").EnumerateArray().Select(g => new[]
                {
                    Render.Text(g, "fingerprint"), Render.Text(g, "count"), Render.Text(g, "exceptionType"), Render.Text(g, "origin"), Render.Text(g, "newestAt"), Render.Text(g, "exampleMessage"),
                }));
            ctx.Out.Table("Messages", ["id", "payment", "reason", "exception", "attempts", "poisoned at"],
                listing.GetProperty("messages").EnumerateArray().Select(m => new[]
                {
                    Render.Text(m, "id"), Render.Text(m, "paymentId"), Render.Text(m, "reason"), Render.Text(m, "exceptionType"), Render.Text(m, "attempts"), Render.Text(m, "poisonedAt"),
                }));
            if (Render.Text(listing, "nextPageToken") is { } next)
            {
                ctx.Out.Line($"More: paymentctl poison list --page-token {next}");
            }

            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Show(CommandWrapper wrap)
    {
        var id = new Argument<string>("id") { Description = "The poisoned message's id (from poison list)." };
        var show = new Command("show", "One poisoned message with its failure.") { id };
        show.SetAction(wrap(async (ctx, ct) =>
        {
            var message = await ctx.Api.GetAsync($"api/ops/poison/{Uri.EscapeDataString(ctx.Parse.GetValue(id)!)}", ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(message);
                return ExitCodes.Ok;
            }

            ctx.Out.KeyValues($"Poisoned message {Render.Text(message, "id")}", [
                ("payment", Render.Text(message, "paymentId")),
                ("reason", Render.Text(message, "reason")),
                ("exception", Render.Text(message, "exceptionType")),
                ("message", Render.Text(message, "exceptionMessage")),
                ("origin", Render.Text(message, "origin")),
                ("fingerprint", Render.Text(message, "fingerprint")),
                ("attempts", Render.Text(message, "attempts")),
                ("first failed at", Render.Text(message, "firstFailedAt")),
                ("poisoned at", Render.Text(message, "poisonedAt")),
                ("body", Render.Text(message, "body")),
            ]);
            return ExitCodes.Ok;
        }));
        return show;
    }

    private static Command Replay(CommandWrapper wrap)
    {
        var ids = new Option<string[]>("--id") { Description = "A message id to replay (repeat for several).", AllowMultipleArgumentsPerToken = true };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "Replay every message with this failure fingerprint." };
        var all = new Option<bool>("--all") { Description = "Replay every poisoned message." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be replayed; change nothing." };
        var replay = new Command("replay", "Put poisoned messages back on the payments queue (safe to repeat; audited).") { ids, fingerprint, all, dryRun };
        replay.SetAction(wrap(async (ctx, ct) =>
        {
            var selectedIds = ctx.Parse.GetValue(ids) ?? [];
            var selectedFingerprint = ctx.Parse.GetValue(fingerprint);
            var selectAll = ctx.Parse.GetValue(all);
            if ((selectedIds.Length > 0 ? 1 : 0) + (string.IsNullOrEmpty(selectedFingerprint) ? 0 : 1) + (selectAll ? 1 : 0) != 1)
            {
                throw new CliException(ExitCodes.Usage, "Choose exactly one of --id ID…, --fingerprint F or --all.");
            }

            var result = await ctx.Api.PostJsonAsync("api/ops/poison/replay", new
            {
                ids = selectedIds.Length > 0 ? selectedIds : null,
                fingerprint = selectedFingerprint,
                all = selectAll,
                dryRun = ctx.Parse.GetValue(dryRun),
            }, ct).ConfigureAwait(false);
            if (ctx.Out.Json)
            {
                ctx.Out.JsonDocument(result);
                return ExitCodes.Ok;
            }

            var replayed = result.GetProperty("replayed").EnumerateArray().Select(e => e.GetString()).ToList();
            var skipped = result.GetProperty("skipped").EnumerateArray().ToList();
            ctx.Out.Table(ctx.Parse.GetValue(dryRun) ? $"Dry run: would replay {replayed.Count}, skip {skipped.Count}" : $"Replayed {replayed.Count}, skipped {skipped.Count}",
                ["id", "result"],
                replayed.Select(id => new[] { id, ctx.Parse.GetValue(dryRun) ? "would replay" : "replayed" })
                    .Concat(skipped.Select(s => new[] { Render.Text(s, "id"), "skipped: " + Render.Text(s, "reason") })));
            return ExitCodes.Ok;
        }));
        return replay;
    }
}
