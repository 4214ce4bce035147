using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using PaymentIntake.Batches;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PaymentIntake.Configuration;
using PaymentIntake.Operations;
using PaymentIntake.Payments;
using PaymentIntake.Posting;
using PaymentIntake.Reconciliation;
using PaymentIntake.Webhooks;
using PaymentIntake.Storage;
using Stripe;

namespace PaymentIntake;

/// <summary>Registers the payment logic; used alike by the Functions app and the local host.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Adds intake, posting, storage and the vendor client, with options validated at start.</summary>
    public static IServiceCollection AddPaymentIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentIntakeOptions>().Bind(configuration.GetSection(PaymentIntakeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PostingOptions>().Bind(configuration.GetSection(PostingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Configure(o => o.ConnectionString = configuration[StorageOptions.ConnectionSetting] ?? "")
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton(sp => new TableServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));
        services.AddSingleton(sp => new QueueServiceClient(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString,
            sp.GetRequiredService<StorageMetrics>().QueueOptions(QueueMessageEncoding.Base64)));
        services.AddSingleton(sp => new BlobServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));
        services.AddSingleton<IStripeClient>(sp => CreateStripeClient(sp.GetRequiredService<IOptions<StripeOptions>>().Value));

        services.AddSingleton<StorageNames>();
        services.AddSingleton<StatusCounters>();
        services.AddSingleton<PaymentStore>();
        services.AddSingleton<PaymentQueue>();
        services.AddSingleton<VendorPipeline>();
        services.AddSingleton<StripeVendor>();
        services.AddSingleton<PaymentPoster>();
        services.AddSingleton<PaymentIntakeService>();
        services.AddSingleton<PaymentsDueIndex>();
        services.AddSingleton<VendorCircuitStore>();
        services.AddSingleton<PaymentReconciler>();
        services.AddSingleton<ParkedPaymentWaker>();
        services.AddSingleton<VendorProbe>();
        services.AddSingleton<MessageFailures>();
        services.AddSingleton<PoisonStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PoisonService>();
        services.AddSingleton<OpsStatusService>();
        services.AddSingleton<BatchStore>();
        services.AddSingleton<BatchService>();
        services.AddSingleton<InvoicePayer>();
        services.AddSingleton<StripeWebhookHandler>();
        return services;
    }

    private static StripeClient CreateStripeClient(StripeOptions options)
    {
        // Timeouts and retries belong to the Polly pipeline; Stripe.net's own network retries are off.
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        return new StripeClient(
            apiKey: options.ApiKey,
            httpClient: new SystemNetHttpClient(http, maxNetworkRetries: 0),
            apiBase: options.ApiBase?.ToString().TrimEnd('/'));
    }
}
