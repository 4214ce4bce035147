using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PaymentFunctions.Http;

/// <summary>RFC 9457 problem answers with stable <c>type</c> URIs (part of the public contract).</summary>
internal static class Problems
{
    public const string TypeBase = "https://paymentfunctions.dev/problems/";

    public static ObjectResult Validation(IReadOnlyDictionary<string, string[]> errors) =>
        Result(new ValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Type = TypeBase + "validation",
            Title = "The request is invalid.",
            Status = StatusCodes.Status400BadRequest,
            Detail = "See errors for what to fix in each field.",
        });

    public static ObjectResult KeyReused(string paymentId) => Result(new ProblemDetails
    {
        Type = TypeBase + "idempotency-key-reused",
        Title = "The Idempotency-Key was already used with a different request.",
        Status = StatusCodes.Status422UnprocessableEntity,
        Detail = $"Payment {paymentId} was accepted under this key with other values. Use a new key for a new payment.",
    });

    public static ObjectResult Forbidden(string detail) => Result(new ProblemDetails
    {
        Type = TypeBase + "forbidden",
        Title = "The caller may not use this route.",
        Status = StatusCodes.Status403Forbidden,
        Detail = detail,
    });

    public static ObjectResult NotFound(string what) => Result(new ProblemDetails
    {
        Type = TypeBase + "not-found",
        Title = "Not found.",
        Status = StatusCodes.Status404NotFound,
        Detail = what,
    });

    public static ObjectResult BadSignature() => Result(new ProblemDetails
    {
        Type = TypeBase + "invalid-signature",
        Title = "The Stripe-Signature header is missing, invalid or too old.",
        Status = StatusCodes.Status400BadRequest,
    });

    public static ObjectResult WebhooksNotConfigured() => Result(new ProblemDetails
    {
        Type = TypeBase + "webhooks-not-configured",
        Title = "Webhooks are not configured (Stripe:WebhookSecret is empty or its Key Vault secret is not set).",
        Status = StatusCodes.Status503ServiceUnavailable,
    });

    public static ObjectResult TooLarge(string detail) => Result(new ProblemDetails
    {
        Type = TypeBase + "too-large",
        Title = "The batch is over a limit.",
        Status = StatusCodes.Status413PayloadTooLarge,
        Detail = detail,
    });

    public static ObjectResult Conflict(string detail) => Result(new ProblemDetails
    {
        Type = TypeBase + "batch-conflict",
        Title = "The batch id is taken by other content.",
        Status = StatusCodes.Status409Conflict,
        Detail = detail,
    });

    public static ObjectResult UnsupportedMediaType(string title, string detail) => Result(new ProblemDetails
    {
        Type = TypeBase + "unsupported-media-type",
        Title = title,
        Status = StatusCodes.Status415UnsupportedMediaType,
        Detail = detail,
    });

    public static ObjectResult BodyTooLarge(int limit) => Result(new ProblemDetails
    {
        Type = TypeBase + "too-large",
        Title = "The request body is over the limit.",
        Status = StatusCodes.Status413PayloadTooLarge,
        Detail = $"The body may be at most {limit:N0} bytes.",
    });

    public static ObjectResult StorageUnavailable() => Result(new ProblemDetails
    {
        Type = TypeBase + "storage-unavailable",
        Title = "Storage is unavailable or throttling; nothing is lost.",
        Status = StatusCodes.Status503ServiceUnavailable,
        Detail = $"Retry after {StorageOutage.RetryAfterSeconds} seconds with the same Idempotency-Key: you get one payment, never two.",
    });

    private static ObjectResult Result(ProblemDetails problem) => new(problem)
    {
        StatusCode = problem.Status,
        ContentTypes = { "application/problem+json" },
    };
}
