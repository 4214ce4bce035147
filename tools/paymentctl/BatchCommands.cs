using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PaymentCtl;

/// <summary><c>paymentctl batch upload FILE [--batch-id ID]</c> and <c>paymentctl batch show ID</c>.</summary>
internal static class BatchCommands
{
    private const long ProgressFrom = 1024 * 1024;

    public static Command Create(CommandWrapper wrap, TextWriter error) =>
        new("batch", "Mail-in batches (lockbox CSV files).") { Upload(wrap, error), Show(wrap) };

    private static Command Upload(CommandWrapper wrap, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The lockbox CSV file." };
        var batchId = new Option<string?>("--batch-id") { Description = "Batch id (default: the file name without extension)." };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the batch's status as soon as it is accepted, without waiting for its lines to be recorded." };
        var upload = new Command("upload", "Upload a lockbox file, wait while its lines are recorded (progress on stderr), and print its report; exits 1 when lines were rejected.") { file, batchId, noWait };
        upload.SetAction(wrap(async (ctx, ct) =>
        {
            var info = ctx.Parse.GetValue(file)!;
            if (!info.Exists)
            {
                throw new CliException(ExitCodes.Usage, $"No such file: {info.FullName}");
            }

            var id = ctx.Parse.GetValue(batchId) ?? Path.GetFileNameWithoutExtension(info.Name);
            var showProgress = !ctx.Out.Json && info.Length >= ProgressFrom;
            using var content = new StreamContent(new ProgressStream(info.OpenRead(), info.Length, (done, total) =>
            {
                if (showProgress)
                {
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"uploaded {done * 100 / Math.Max(total, 1)}% ({done / 1048576.0:0.0} of {total / 1048576.0:0.0} MiB)"));
                }
            }));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Headers.ContentLength = info.Length;
            var (status, body) = await ctx.Api.PutAsync($"api/batches/{Uri.EscapeDataString(id)}", content, ct).ConfigureAwait(false);
            if (status is not (HttpStatusCode.Accepted or HttpStatusCode.OK))
            {
                throw new CliException(status >= HttpStatusCode.InternalServerError ? ExitCodes.ServerError : ExitCodes.Refused, Problem(status, body), body.ValueKind == JsonValueKind.Object ? body : null);
            }

            if (status == HttpStatusCode.OK)
            {
                return Print(ctx, body, "(uploaded before: same content, same report)");
            }

            if (ctx.Parse.GetValue(noWait))
            {
                if (ctx.Out.Json)
                {
                    ctx.Out.JsonDocument(body);
                }
                else
                {
                    ctx.Out.KeyValues($"Batch {Render.Text(body, "batchId")} accepted; recording its lines", [("lines", Render.Text(body, "lines")), ("status", Render.Text(body, "status"))]);
                }

                return ExitCodes.Ok;
            }

            // The lines are recorded from a queue: poll the batch until its report is complete (or give up after an hour
            // of no progress, leaving the batch to finish on its own).
            var lastShown = -1;
            var lastProgressAt = DateTime.UtcNow;
            while (true)
            {
                var batch = await ctx.Api.GetAsync($"api/batches/{Uri.EscapeDataString(id)}", ct).ConfigureAwait(false);
                if (Render.Text(batch, "status") == "complete")
                {
                    return Print(ctx, batch, null);
                }

                var processed = batch.GetProperty("linesProcessed").GetInt32();
                if (processed != lastShown)
                {
                    lastProgressAt = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - lastProgressAt > TimeSpan.FromHours(1))
                {
                    throw new CliException(ExitCodes.Problem, $"Batch {id} made no progress for an hour ({processed} of {batch.GetProperty("lines").GetInt32()} lines recorded); it goes on in the background: paymentctl batch show {id}.");
                }

                if (!ctx.Out.Json && processed != lastShown)
                {
                    lastShown = processed;
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recorded {processed} of {batch.GetProperty("lines").GetInt32()} lines"));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
            }
        }));
        return upload;
    }

    private static Command Show(CommandWrapper wrap)
    {
        var id = new Argument<string>("id") { Description = "The batch id." };
        var show = new Command("show", "Print a batch's report; exits 1 when lines were rejected.") { id };
        show.SetAction(wrap(async (ctx, ct) =>
            Print(ctx, await ctx.Api.GetAsync($"api/batches/{Uri.EscapeDataString(ctx.Parse.GetValue(id)!)}", ct).ConfigureAwait(false), null)));
        return show;
    }

    private static int Print(CliContext ctx, JsonElement report, string? note)
    {
        var rejected = report.GetProperty("rejectedCount").GetInt32();
        if (ctx.Out.Json)
        {
            ctx.Out.JsonDocument(report);
            return rejected > 0 ? ExitCodes.Problem : ExitCodes.Ok;
        }

        ctx.Out.KeyValues($"Batch {Render.Text(report, "batchId")} {note}".TrimEnd(), [
            ("received at", Render.Text(report, "receivedAt")),
            ("lines", Render.Text(report, "lines")),
            ("accepted", Render.Text(report, "acceptedCount")),
            ("rejected", Render.Text(report, "rejectedCount")),
            ("bytes", Render.Text(report, "bytes")),
            ("content hash (HMAC-SHA256)", Render.Text(report, "contentHash")),
        ]);
        if (rejected > 0)
        {
            ctx.Out.Table("Rejected lines", ["line", "reasons"], report.GetProperty("rejected").EnumerateArray().Select(r => new[]
            {
                Render.Text(r, "line"), string.Join("; ", r.GetProperty("reasons").EnumerateArray().Select(x => x.GetString())),
            }));
        }

        return rejected > 0 ? ExitCodes.Problem : ExitCodes.Ok;
    }

    private static string Problem(HttpStatusCode status, JsonElement body)
    {
        var detail = Render.Text(body, "detail") ?? Render.Text(body, "title") ?? "";
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("errors", out var errors))
        {
            detail = string.Join(" ", errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => m.GetString())));
        }

        return $"{(int)status} {detail}".Trim();
    }
}
