using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PaymentIntake;

namespace PaymentFunctions;

/// <summary>
/// The one composition root of the app: everything the functions need is registered here. The Functions app's
/// <c>Program.cs</c> and the local host both call <see cref="AddPaymentFunctions"/>, so a service added here reaches
/// Azure, <c>func start</c>, the local host and every end-to-end test alike (a test checks the local host's container
/// against it).
/// </summary>
public static class CompositionRoot
{
    /// <summary>Registers the payment logic and what the triggers use, with options validated at start.</summary>
    public static IServiceCollection AddPaymentFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddPaymentIntake(configuration);
    }
}
