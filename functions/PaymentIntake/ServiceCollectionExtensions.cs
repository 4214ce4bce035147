using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PaymentIntake.Batches;
using PaymentIntake.Configuration;
using PaymentIntake.Due;
using PaymentIntake.Intake;
using PaymentIntake.Operations;
using PaymentIntake.Payments;
using PaymentIntake.Posting;
using PaymentIntake.Posting.Circuit;
using PaymentIntake.Posting.Takeover;
using PaymentIntake.Posting.Vendor;
using PaymentIntake.Queue;
using PaymentIntake.Reconciliation;
using PaymentIntake.Storage;
using PaymentIntake.Webhooks;
using Stripe;

namespace PaymentIntake;

/// <summary>
/// Registers the payment logic. Called only by the app's composition root (<c>AddPaymentFunctions</c> in the
/// PaymentFunctions project), which the Functions app and the local host both use.
/// </summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Adds intake, posting, storage and the vendor client, with options validated at start.</summary>
    public static IServiceCollection AddPaymentIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentIntakeOptions>().Bind(configuration.GetSection(PaymentIntakeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PostingOptions>().Bind(configuration.GetSection(PostingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OperationsOptions>().Bind(configuration.GetSection(OperationsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BatchOptions>().Bind(configuration.GetSection(BatchOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeadlineOptions>().Bind(configuration.GetSection(DeadlineOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var storageSection = configuration.GetSection(StorageOptions.ConnectionSetting);
        services.AddOptions<StorageOptions>()
            .Bind(storageSection)
            .Configure(o => o.ConnectionString = storageSection.Value ?? "")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddAzureClientsCore();
        services.AddSingleton(sp => new StorageCredential(() => sp.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(storageSection)));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton<StorageClients>();
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Tables());
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Queues(QueueMessageEncoding.Base64));
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Blobs());
        services.AddSingleton<IStripeClient>(sp => CreateStripeClient(sp.GetRequiredService<IOptions<StripeOptions>>().Value));

        // In the order of the flow: the payment and its repository, the two hand-offs, intake, batches, posting,
        // reconciliation, webhooks, operations.
        services.AddSingleton<StorageNames>();
        services.AddSingleton<PaymentIds>();
        services.AddSingleton<PaymentStore>();
        services.AddSingleton<StatusCounters>();
        services.AddSingleton<PaymentRepository>();
        services.AddSingleton<MessageFailures>();
        services.AddSingleton<PaymentQueue>();
        services.AddSingleton<PaymentsDueIndex>();
        services.AddSingleton<MemberIndex>();
        services.AddSingleton<PostedIndex>();
        services.AddSingleton<Deadlines.DeadlineCalendar>();
        services.AddSingleton<Deadlines.DeadlineCounters>();
        services.AddSingleton<PaymentIntakeService>();
        services.AddSingleton<BatchStore>();
        services.AddSingleton<BatchQueue>();
        services.AddSingleton<BatchService>();
        services.AddSingleton<InstanceHeartbeat>();
        services.AddSingleton<ClaimTakeover>();
        services.AddSingleton<VendorRateShares>();
        services.AddSingleton<IRateShare>(sp => sp.GetRequiredService<VendorRateShares>());
        services.AddSingleton<VendorPacer>();
        services.AddSingleton<VendorPipeline>();
        services.AddSingleton<StripeVendor>();
        services.AddSingleton<InvoicePayer>();
        services.AddSingleton<InvoiceClaims>();
        services.AddSingleton<VendorCircuitStore>();
        services.AddSingleton<ParkedPaymentWaker>();
        services.AddSingleton<VendorCircuit>();
        services.AddSingleton<VendorGateway>();
        services.AddSingleton<RecoverabilityPolicy>();
        services.AddSingleton<PaymentPoster>();
        services.AddSingleton<ActionRequiredFollowUp>();
        services.AddSingleton<VendorProbe>();
        services.AddSingleton<PaymentReconciler>();
        services.AddSingleton<Reconciliation.Books.StripeLedger>();
        services.AddSingleton<Reconciliation.Books.ReconciliationStore>();
        services.AddSingleton<Reconciliation.Books.ReconciliationQueue>();
        services.AddSingleton<Reconciliation.Books.ReconciliationService>();
        services.AddSingleton<StripeWebhookHandler>();
        services.AddSingleton<PoisonStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PoisonService>();
        services.AddSingleton<PoisonQueueSweep>();
        services.AddSingleton<OpsStatusService>();
        services.AddSingleton<OperationsSnapshot>();
        services.AddSingleton<Readiness>();
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
