using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PaymentFunctions.Http;

/// <summary>
/// Role checks for the triggers: every route but health and the signed webhook needs a caller with one of its roles;
/// any other call answers 403 <c>application/problem+json</c>. Function keys stay an outer gate (auth level Function).
/// </summary>
public static class Caller
{
    /// <summary>
    /// The caller when it holds one of <paramref name="roles"/>; otherwise <paramref name="denied"/> is the 403 answer.
    /// </summary>
    public static CallerPrincipal? Authorize(HttpRequest request, out IActionResult? denied, params string[] roles)
    {
        var principal = CallerPrincipal.From(request);
        if (principal is not null && roles.Any(principal.Roles.Contains))
        {
            denied = null;
            return principal;
        }

        denied = Problems.Forbidden(principal is null
            ? $"No caller identity reached the app. This route needs the role {string.Join(" or ", roles)} (an Entra ID app role; locally, the matching key)."
            : $"Caller {principal.Name} has the role(s) {(principal.Roles.Count == 0 ? "(none)" : string.Join(", ", principal.Roles))}; this route needs {string.Join(" or ", roles)}.");
        return null;
    }
}
