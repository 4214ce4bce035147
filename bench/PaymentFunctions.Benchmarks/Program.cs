using System.Globalization;
using PaymentFunctions.Benchmarks;

// dotnet run -c Release --project bench/PaymentFunctions.Benchmarks -- intake [requests] [clients,clients,…]
var which = args.FirstOrDefault() ?? "intake";
switch (which)
{
    case "intake":
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600;
        var clients = args.Length > 2 ? args[2].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [1, 16, 64];
        await IntakeBenchmark.RunAsync(requests, clients);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{which}'. Use: intake");
        return 2;
}
