namespace PaymentCtl;

/// <summary>paymentctl's exit codes (documented in the README).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command ran, and reports a problem (e.g. rejected batch lines).</summary>
    public const int Problem = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int Unauthorized = 4;
    public const int NotFound = 5;
    public const int ServerError = 6;
    /// <summary>The server refused the request as it was (400, 409, 413, 415, 422): fix the input, do not retry as is.</summary>
    public const int Refused = 7;
}

/// <summary>
/// A failure to report to the user with an exit code, without a stack trace; <see cref="Problem"/> is the server's
/// problem JSON when there was one (printed as is on stderr with <c>--json</c>).
/// </summary>
internal sealed class CliException(int exitCode, string message, System.Text.Json.JsonElement? problem = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public System.Text.Json.JsonElement? Problem { get; } = problem;
}
