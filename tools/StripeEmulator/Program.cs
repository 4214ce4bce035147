using System.Runtime.InteropServices;
using StripeEmulator;

// Standalone: `dotnet run --project tools/StripeEmulator -- --urls http://127.0.0.1:12111`; stops on Ctrl+C or SIGTERM.
var url = args.SkipWhile(a => a != "--urls").Skip(1).FirstOrDefault() ?? "http://127.0.0.1:12111";
await using var server = await StripeEmulatorServer.StartAsync(url);
Console.WriteLine($"Stripe emulator listening on {server.BaseUrl} (test keys only: sk_test_…, as Bearer or HTTP Basic)");
var done = new TaskCompletionSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    done.TrySetResult();
});
Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.TrySetResult(); };
await done.Task;
