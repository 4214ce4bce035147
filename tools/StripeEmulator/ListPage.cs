using System.Globalization;
using System.Text.Json.Nodes;

namespace StripeEmulator;

/// <summary>
/// One page of a Stripe list endpoint, as docs.stripe.com/api/pagination describes every one of them: newest first,
/// <c>created[gt|gte|lt|lte]</c> (Unix seconds), <c>limit</c> 1–100 (default 10), a cursor <c>starting_after</c> or
/// <c>ending_before</c> (an object's id; not both; an unknown id is <c>resource_missing</c>), and <c>has_more</c>.
/// </summary>
internal static class ListPage
{
    /// <summary>The page of <paramref name="items"/> (already filtered by anything but <c>created</c>) the request asks for.</summary>
    public static ApiAnswer Of<T>(
        IEnumerable<T> items,
        Microsoft.AspNetCore.Http.IFormCollection form,
        Func<T, string> id,
        Func<T, long> created,
        Func<T, long> sequence,
        Func<T, JsonNode> json,
        string url,
        string objectName)
    {
        var limit = form["limit"].ToString() is { Length: > 0 } l ? int.Parse(l, CultureInfo.InvariantCulture) : 10;
        if (limit is < 1 or > 100)
        {
            return ApiAnswer.InvalidRequest("This value must be between 1 and 100.", "parameter_invalid_integer", "limit");
        }

        var (after, before) = (form["starting_after"].ToString(), form["ending_before"].ToString());
        if (after.Length > 0 && before.Length > 0)
        {
            return ApiAnswer.InvalidRequest("You may only specify one of these parameters: starting_after, ending_before.", code: null, param: "starting_after");
        }

        var (gt, gte, lt, lte) = (Bound(form, "gt"), Bound(form, "gte"), Bound(form, "lt"), Bound(form, "lte"));
        var all = items
            .Where(i => created(i) is var c && (gt is null || c > gt) && (gte is null || c >= gte) && (lt is null || c < lt) && (lte is null || c <= lte))
            .OrderByDescending(created).ThenByDescending(sequence)
            .ToList();
        var cursor = after.Length > 0 ? after : before;
        var at = cursor.Length > 0 ? all.FindIndex(i => id(i) == cursor) : -1;
        if (cursor.Length > 0 && at < 0)
        {
            return ApiAnswer.InvalidRequest($"No such {objectName}: '{cursor}'", "resource_missing", after.Length > 0 ? "starting_after" : "ending_before");
        }

        var page = before.Length > 0
            ? all.Take(at).TakeLast(limit).ToList()
            : all.Skip(at + 1).Take(limit).ToList();
        var hasMore = before.Length > 0 ? at - page.Count > 0 : at + 1 + page.Count < all.Count;
        return ApiAnswer.Ok(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(page.Select(json).ToArray()),
            ["has_more"] = hasMore,
            ["url"] = url,
        });
    }

    private static long? Bound(Microsoft.AspNetCore.Http.IFormCollection form, string op) =>
        long.TryParse(form[$"created[{op}]"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
