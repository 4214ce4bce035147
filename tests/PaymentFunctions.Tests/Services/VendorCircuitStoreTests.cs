using PaymentFunctions.Tests.Infrastructure;
using PaymentIntake.Posting.Circuit;

namespace PaymentFunctions.Tests.Services;

/// <summary>Two instances on one circuit row: one instance's cache of an open circuit never outlives another's closing it.</summary>
[Collection(EndToEnd.Name)]
public sealed class VendorCircuitStoreTests(AzuriteFixture azurite)
{
    private static Dictionary<string, string?> Settings(string? prefix = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Posting:CircuitCacheTime"] = "00:01:00", // longer than the test: a cached read is never refreshed by time
            ["Posting:CircuitFailureThreshold"] = "1",
            ["Posting:CircuitBreakDuration"] = "00:10:00",
        };
        if (prefix is not null)
        {
            settings["PaymentIntake:NamePrefix"] = prefix; // the second instance shares the first one's storage names
        }

        return settings;
    }

    [Fact]
    public async Task AdmitAsync_AfterAnotherInstanceClosedTheCircuit_AllowsTheCall_ThoughItsCacheSaidOpen()
    {
        await using var first = await CoreServices.StartAsync(azurite, Settings());
        await using var second = await CoreServices.StartAsync(azurite, Settings(first.Prefix));
        var here = first.Get<VendorCircuitStore>();
        var there = second.Get<VendorCircuitStore>();

        await here.RecordFailureAsync("pay_1", CancellationToken.None); // opens it (threshold 1)
        var whileOpen = await here.AdmitAsync(CancellationToken.None); // and this instance caches it open
        await there.RecordSuccessAsync(CancellationToken.None); // the vendor is back, seen by the other instance

        var afterClose = await here.AdmitAsync(CancellationToken.None);

        Assert.IsType<Admission.Rejected>(whileOpen);
        Assert.IsType<Admission.Allowed>(afterClose);
    }
}
