namespace PaymentFunctions.LocalHost;

/// <summary>Settings of the local host only, section <c>LocalHost</c>.</summary>
public sealed class LocalHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "LocalHost";

    /// <summary>
    /// Callers by name, each with its key (header <c>x-functions-key</c> or query <c>code</c>) and roles. The key
    /// passes the function-key gate, and the local host hands the caller to the functions as the platform does
    /// (<c>X-MS-CLIENT-PRINCIPAL</c>). Defaults: <c>local-intake</c> (key <c>local-intake-key</c>, role intake),
    /// <c>local-lockbox</c> (<c>local-lockbox-key</c>, lockbox), <c>local-ops</c> (<c>local-ops-key</c>, operations).
    /// Add one with <c>LocalHost:Callers:{name}:Key</c> and <c>LocalHost:Callers:{name}:Roles:0</c>.
    /// </summary>
    public Dictionary<string, LocalCaller> Callers { get; set; } = new(StringComparer.Ordinal)
    {
        ["local-intake"] = new() { Key = "local-intake-key", Roles = ["intake"] },
        ["local-lockbox"] = new() { Key = "local-lockbox-key", Roles = ["lockbox"] },
        ["local-ops"] = new() { Key = "local-ops-key", Roles = ["operations"] },
    };

    /// <summary>
    /// The master key, as Azure's: passes every key gate but carries no caller and so no role (every role-guarded
    /// route answers 403 to it). Default <c>local-admin-key</c>.
    /// </summary>
    public string AdminKey { get; set; } = "local-admin-key";

    /// <summary>Whether queue triggers run. Default true; the intake benchmark turns it off to measure intake alone.</summary>
    public bool QueuePump { get; set; } = true;

    /// <summary>Whether timer triggers run. Default true.</summary>
    public bool TimerTriggers { get; set; } = true;

    /// <summary>The key of the caller named <paramref name="name"/>.</summary>
    public string KeyOf(string name) => Callers[name].Key;
}

/// <summary>A caller of the local host: its key and roles.</summary>
public sealed class LocalCaller
{
    /// <summary>The key it sends.</summary>
    public string Key { get; set; } = "";

    /// <summary>Its roles (intake, lockbox, operations).</summary>
    public string[] Roles { get; set; } = [];
}
