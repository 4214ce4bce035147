using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace PaymentIntake.Queue;

/// <summary>What went wrong with a message: the type and origin of the exception, and a fingerprint to group by.</summary>
/// <param name="ExceptionType">The exception's type name.</param>
/// <param name="Message">Its message (our exceptions carry ids, never card data or keys), at most 1,000 characters.</param>
/// <param name="Origin">The method of our code where it was thrown (<c>Type.Method</c>).</param>
public sealed record FailureDescription(string ExceptionType, string Message, string Origin)
{
    /// <summary>Stable id of "this kind of failure": <c>fp_</c> + 12 hex digits of SHA-256(type + origin).</summary>
    public string Fingerprint => Fingerprints.Of(ExceptionType, Origin);

    /// <summary>Describes an exception.</summary>
    public static FailureDescription Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var frames = new StackTrace(exception, fNeedFileInfo: false).GetFrames();
        var ours = frames.Select(f => f.GetMethod()).FirstOrDefault(m => m?.DeclaringType?.Namespace?.StartsWith("Payment", StringComparison.Ordinal) == true)
            ?? frames.Select(f => f.GetMethod()).FirstOrDefault(m => m is not null);
        var origin = ours is null ? "unknown" : $"{OuterTypeName(ours.DeclaringType)}.{ours.Name}";
        var message = exception.Message.Length > 1000 ? exception.Message[..1000] : exception.Message;
        return new FailureDescription(exception.GetType().Name, message, origin);
    }

    private static string OuterTypeName(Type? type)
    {
        // Async state machines are nested types named <Method>d__N: report the method's own type.
        while (type?.DeclaringType is not null && type.Name.StartsWith('<'))
        {
            type = type.DeclaringType;
        }

        return type?.Name ?? "unknown";
    }
}

/// <summary>Failure fingerprints and message ids.</summary>
public static class Fingerprints
{
    /// <summary>The fingerprint of a failure kind.</summary>
    public static string Of(string exceptionType, string origin) =>
        "fp_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(exceptionType + "@" + origin)), 0, 6);

    /// <summary>The key of a message body (the host gives a poisoned message a new id, but keeps its body).</summary>
    public static string OfBody(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body ?? "")), 0, 16);
}
