using System.CommandLine;

namespace PaymentCtl;

/// <summary>The options every command takes.</summary>
internal sealed class GlobalOptions
{
    public Option<string> Url { get; } = new("--url")
    {
        Description = "Base URL of the API (env PAYMENTCTL_URL; default http://127.0.0.1:7071).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PAYMENTCTL_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:7071",
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "Function key, sent as x-functions-key (env PAYMENTCTL_KEY). Locally each key names a caller: ops commands need local-ops-key, batches local-lockbox-key.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PAYMENTCTL_KEY"),
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Entra ID access token for the API, sent as Authorization: Bearer (env PAYMENTCTL_TOKEN; e.g. az account get-access-token --resource api://<client id>). Needed in Azure, where App Service Authentication names the caller.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PAYMENTCTL_TOKEN"),
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the API's JSON instead of tables.", Recursive = true };
}

/// <summary>Turns a command body into an action: builds the API client and renderer, maps failures to exit codes.</summary>
internal delegate Func<ParseResult, CancellationToken, Task<int>> CommandWrapper(Func<CliContext, CancellationToken, Task<int>> run);

/// <summary>The command context: API client, renderer, and what the user asked for.</summary>
internal sealed record CliContext(ApiClient Api, Render Out, ParseResult Parse);

/// <summary>paymentctl: operations and mail-in from the command line, over the HTTP API.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("paymentctl — operations and mail-in for PaymentFunctions (exit codes: 0 ok, 1 problem reported, 2 usage, 3 unreachable, 4 unauthorized, 5 not found, 6 server error, 7 refused by the server).");
        root.Options.Add(options.Url);
        root.Options.Add(options.Key);
        root.Options.Add(options.Token);
        root.Options.Add(options.Json);

        int exitCode = ExitCodes.Ok;
        CommandWrapper wrap = run => async (parse, ct) =>
        {
            using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.Timeout = TimeSpan.FromMinutes(10);
            if (parse.GetValue(options.Key) is { Length: > 0 } key)
            {
                http.DefaultRequestHeaders.Add("x-functions-key", key);
            }

            if (parse.GetValue(options.Token) is { Length: > 0 } token)
            {
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            var url = parse.GetValue(options.Url)!;
            if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"paymentctl: --url '{url}' is not an http(s) URL.").ConfigureAwait(false);
                return exitCode = ExitCodes.Usage;
            }

            var context = new CliContext(new ApiClient(http, baseUrl), new Render(output, parse.GetValue(options.Json)), parse);
            try
            {
                return exitCode = await run(context, ct).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                // With --json a script reads the error too: the server's problem JSON as is, or one in the same shape.
                await error.WriteLineAsync(parse.GetValue(options.Json)
                    ? ex.Problem?.GetRawText() ?? System.Text.Json.JsonSerializer.Serialize(new { type = "about:blank", title = ex.Message, exitCode = ex.ExitCode })
                    : $"paymentctl: {ex.Message}").ConfigureAwait(false);
                return exitCode = ex.ExitCode;
            }
        };

        root.Subcommands.Add(StatusCommand.Create(wrap));
        root.Subcommands.Add(DeadlinesCommand.Create(wrap));
        root.Subcommands.Add(ReconcileCommands.Create(wrap, error));
        root.Subcommands.Add(PoisonCommands.Create(wrap));
        root.Subcommands.Add(PaymentCommands.Create(wrap));
        root.Subcommands.Add(BatchCommands.Create(wrap, error));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"paymentctl: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'paymentctl --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
        return code != 0 ? code : exitCode;
    }
}
