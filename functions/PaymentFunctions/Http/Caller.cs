using Microsoft.AspNetCore.Http;

namespace PaymentFunctions.Http;

/// <summary>Who called: the name of the key used, from the claim the Functions host (and the local host) sets.</summary>
internal static class Caller
{
    public const string KeyIdClaim = "http://schemas.microsoft.com/2017/07/functions/claims/keyid";

    public static string KeyName(HttpRequest request) =>
        request.HttpContext.User?.FindFirst(KeyIdClaim)?.Value is { Length: > 0 } name ? name : "unknown";
}
