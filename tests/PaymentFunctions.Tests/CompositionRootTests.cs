using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests;

/// <summary>The local host must run the app as Azure would: with every service the app's composition root registers.</summary>
[Collection(EndToEnd.Name)]
public sealed class CompositionRootTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task When_the_local_host_starts_Should_hold_every_service_the_app_registers_and_build_every_function()
    {
        var appServices = new ServiceCollection().AddPaymentFunctions(new ConfigurationBuilder().Build());
        await using var system = await TestSystem.StartAsync(azurite, new Dictionary<string, string?> { ["LocalHost:QueuePump"] = "false", ["LocalHost:TimerTriggers"] = "false" });
        var hostServices = ((LocalAppInstance)system.Host).Host.App.Services;
        var isService = hostServices.GetRequiredService<IServiceProviderIsService>();

        var missing = appServices.Select(d => d.ServiceType).Distinct().Where(t => !t.IsGenericTypeDefinition && !isService.IsService(t)).Select(t => t.FullName).ToList();
        Assert.True(appServices.Count > 20, $"The composition root registered only {appServices.Count} services.");
        Assert.Empty(missing);

        var functionClasses = typeof(CompositionRoot).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .ToList();
        Assert.Equal(41, functionClasses.Sum(t => t.GetMethods().Count(m => m.GetCustomAttribute<FunctionAttribute>() is not null)));
        await using var scope = hostServices.CreateAsyncScope();
        Assert.All(functionClasses, t => Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, t)));
    }
}

/// <summary>Settings only the local host honours are refused under the Functions host.</summary>
public sealed class FunctionsHostSettingsTests
{
    [Fact]
    public void NamePrefix_IsRefused_BecauseTheTriggersWouldNotFollowIt()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PaymentIntake:NamePrefix"] = "test" })
            .Build();
        var ex = Assert.Throws<InvalidOperationException>(() => FunctionsHostSettings.RefuseLocalOnly(configuration));
        Assert.Contains("posting would stop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoPrefix_Passes()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        FunctionsHostSettings.RefuseLocalOnly(configuration);
        Assert.Null(configuration["PaymentIntake:NamePrefix"]);
    }
}
