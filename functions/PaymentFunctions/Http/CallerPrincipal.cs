using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PaymentFunctions.Http;

/// <summary>The roles a caller can have (Entra ID app roles with these values; the local host maps keys to them).</summary>
public static class Roles
{
    /// <summary>The web front end: submits payments and reads the ones it submitted.</summary>
    public const string Intake = "intake";

    /// <summary>Mail-in processing: uploads and reads batches.</summary>
    public const string Lockbox = "lockbox";

    /// <summary>Operations: status, poison, replay, and any payment.</summary>
    public const string Operations = "operations";
}

/// <summary>
/// Who called, as the platform says: Azure App Service Authentication (Entra ID) validates the caller's token and
/// passes the principal to the app in the <c>X-MS-CLIENT-PRINCIPAL</c> header (base64 JSON with <c>auth_typ</c>,
/// <c>name_typ</c>, <c>role_typ</c> and <c>claims</c>), dropping any such header a client sent itself. The local host
/// sets the same header from its configured keys. The name is what the audit records and what payments are
/// scoped by.
/// </summary>
/// <param name="Name">The caller's stable name: the client application's id for an app, or the user's name.</param>
/// <param name="Roles">The app roles granted to it.</param>
public sealed record CallerPrincipal(string Name, IReadOnlySet<string> Roles)
{
    /// <summary>The header the platform fills.</summary>
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    private static readonly string[] NameClaims = ["appid", "azp", "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];

    /// <summary>The caller of <paramref name="request"/>, or null when the platform named none.</summary>
    public static CallerPrincipal? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers[Header].FirstOrDefault() is not { Length: > 0 } encoded)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
            var root = document.RootElement;
            var nameType = root.TryGetProperty("name_typ", out var n) ? n.GetString() : null;
            var roleType = root.TryGetProperty("role_typ", out var r) ? r.GetString() : null;
            var claims = root.GetProperty("claims").EnumerateArray()
                .Select(c => (Type: c.GetProperty("typ").GetString() ?? "", Value: c.GetProperty("val").GetString() ?? ""))
                .ToList();
            var roles = claims.Where(c => c.Type == roleType || c.Type is "roles" or "role").Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
            var name = claims.FirstOrDefault(c => c.Type == nameType && c.Value.Length > 0).Value
                ?? NameClaims.Select(t => claims.FirstOrDefault(c => c.Type == t && c.Value.Length > 0).Value).FirstOrDefault(v => v is not null);
            return name is null ? null : new CallerPrincipal(name, roles);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The header value for a principal (what the platform would send; the local host uses it).</summary>
    public string ToHeader()
    {
        var claims = Roles.Select(role => new { typ = "roles", val = role }).Prepend(new { typ = "name", val = Name });
        var json = JsonSerializer.Serialize(new { auth_typ = "local", name_typ = "name", role_typ = "roles", claims });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }
}
