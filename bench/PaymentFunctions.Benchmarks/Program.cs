using System.Globalization;
using PaymentFunctions.Benchmarks;

// dotnet run -c Release --project bench/PaymentFunctions.Benchmarks -- intake [requests] [clients,clients,…]
//                                                                 -- drain [payments] [live|sandbox] [outage s] [instances] [lower limits at share posted, e.g. 0.5] [--kill S]
//                                                                 -- deadline [payments] [minutes] [outage s] [instances]
//                                                                 -- batch [lines] [most seconds to wait for posting]
//                                                                 -- batch-accept [lines] [most seconds to wait for recording]
//                                                                 -- fuzz [requests] [seed]   (exit 1 on any 5xx, contract break or open circuit)
// intake and drain take --host real|local (default: real when a Functions host is found, see README).
var argList = args.ToList();
var hostKind = BenchHost.Choose(argList);
var killAt = DrainBenchmark.KillAt(argList); // drain: kill one instance S seconds into the drain
args = argList.ToArray();
var which = args.FirstOrDefault() ?? "intake";
switch (which)
{
    case "intake":
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600;
        var clients = args.Length > 2 ? args[2].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [1, 16, 64];
        await IntakeBenchmark.RunAsync(requests, clients, hostKind);
        return 0;
    case "drain":
        // drain [payments] [live|sandbox] [outage seconds] [instances] [lower at]
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        await DrainBenchmark.RunAsync(
            Arg(1, 1000),
            args.Length > 2 ? args[2] : "live",
            TimeSpan.FromSeconds(Arg(3, 60)),
            Arg(4, 1),
            args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : null,
            hostKind,
            killAt);
        return 0;
    case "deadline":
        // deadline [payments] [minutes] [outage seconds] [instances]
        int DeadlineArg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        await DeadlineDayBenchmark.RunAsync(
            DeadlineArg(1, 20_000),
            TimeSpan.FromMinutes(DeadlineArg(2, 20)),
            TimeSpan.FromSeconds(DeadlineArg(3, 180)),
            DeadlineArg(4, 3),
            hostKind);
        return 0;
    case "batch":
        await BatchBenchmark.RunAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000,
            TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1800));
        return 0;
    case "batch-accept":
        await BatchAcceptBenchmark.RunAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000,
            TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1800));
        return 0;
    case "fuzz":
        return await FuzzBenchmark.RunAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1);
    default:
        Console.Error.WriteLine($"Unknown benchmark '{which}'. Use: intake, drain, deadline, batch, batch-accept, fuzz");
        return 2;
}
