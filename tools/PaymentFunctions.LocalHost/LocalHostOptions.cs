namespace PaymentFunctions.LocalHost;

/// <summary>Settings of the local host only, section <c>LocalHost</c>.</summary>
public sealed class LocalHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "LocalHost";

    /// <summary>Key for routes with auth level Function (header <c>x-functions-key</c> or query <c>code</c>). Default <c>local-function-key</c>.</summary>
    public string FunctionKey { get; set; } = "local-function-key";

    /// <summary>Key for admin routes; also accepted for function routes, as Azure's master key is. Default <c>local-admin-key</c>.</summary>
    public string AdminKey { get; set; } = "local-admin-key";

    /// <summary>Whether queue triggers run. Default true; the intake benchmark turns it off to measure intake alone.</summary>
    public bool QueuePump { get; set; } = true;

    /// <summary>Whether timer triggers run. Default true.</summary>
    public bool TimerTriggers { get; set; } = true;
}
