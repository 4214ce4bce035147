using System.Reflection;

namespace PaymentIntake.Tests;

public sealed class EventIdsTests
{
    [Fact]
    public void EventIds_Always_AreUnique()
    {
        var ids = typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (f.Name, Id: (int)f.GetRawConstantValue()!))
            .ToList();

        Assert.True(ids.Count >= 20, $"Only {ids.Count} event ids found.");
        var duplicates = ids.GroupBy(i => i.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Name))}");
        Assert.Empty(duplicates);
    }

    [Fact]
    public void LoggerMessages_InTheCore_UseOnlyRegisteredIds()
    {
        var registered = typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!).ToHashSet();
        var used = typeof(EventIds).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Select(m => m.GetCustomAttribute<Microsoft.Extensions.Logging.LoggerMessageAttribute>())
            .Where(a => a is not null)
            .Select(a => a!.EventId)
            .ToList();

        Assert.NotEmpty(used);
        Assert.All(used, id => Assert.Contains(id, registered));
    }
}
