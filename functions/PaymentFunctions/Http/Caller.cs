using Microsoft.AspNetCore.Http;

namespace PaymentFunctions.Http;

/// <summary>Who called: the name of the key used, from the claim the Functions host (and the local host) sets.</summary>
public static class Caller
{
    /// <summary>The claim naming the key a caller used (set by the Functions host, and by the local host).</summary>
    public const string KeyIdClaim = "http://schemas.microsoft.com/2017/07/functions/claims/keyid";

    /// <summary>The name of the key the caller used, or <c>unknown</c>.</summary>
    public static string KeyName(HttpRequest request) =>
        request.HttpContext.User?.FindFirst(KeyIdClaim)?.Value is { Length: > 0 } name ? name : "unknown";
}
