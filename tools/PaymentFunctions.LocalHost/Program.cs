using PaymentFunctions.LocalHost;

// `dotnet run --project tools/PaymentFunctions.LocalHost`: the same functions, no Functions host needed.
await using var host = await LocalFunctionsHost.StartAsync(args);
host.PrintBanner(Console.Out);
await host.App.WaitForShutdownAsync();
