using StripeEmulator;

// Standalone: `dotnet run --project tools/StripeEmulator -- --urls http://127.0.0.1:12111`
var url = args.SkipWhile(a => a != "--urls").Skip(1).FirstOrDefault() ?? "http://127.0.0.1:12111";
await using var server = await StripeEmulatorServer.StartAsync(url);
Console.WriteLine($"Stripe emulator listening on {server.BaseUrl} (any key starting sk_test_ is accepted)");
var done = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.TrySetResult(); };
await done.Task;
