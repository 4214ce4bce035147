using StripeContract;
using StripeEmulator;

// Runs the sequences the poster and the invoice payer make against the project's Stripe emulator and — with
// STRIPE_TEST_SECRET_KEY set to a test-mode key — against Stripe's test mode, side by side with Stripe's documented
// answers. Exit codes: 0 every answer as documented, 1 some differ, 2 refused (a live key).
var key = Environment.GetEnvironmentVariable("STRIPE_TEST_SECRET_KEY");
var targets = new List<ContractTarget>();
if (!string.IsNullOrEmpty(key))
{
    try
    {
        targets.Add(new StripeTestMode(key));
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 2;
    }
}

await using var emulator = await StripeEmulatorServer.StartAsync();
targets.Insert(0, new EmulatorTarget(emulator.BaseUrl));
if (targets.Count == 1)
{
    Console.WriteLine("STRIPE_TEST_SECRET_KEY is not set: checking the emulator against Stripe's documented answers only.");
}

var rows = await ContractCheck.RunAsync(targets);
return ContractCheck.Print(rows, targets.Select(t => t.Name).ToList(), Console.Out) == 0 ? 0 : 1;
