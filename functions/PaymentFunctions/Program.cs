using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using PaymentFunctions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<PaymentFunctions.Http.StorageOutageMiddleware>();
FunctionsHostSettings.RefuseLocalOnly(builder.Configuration);
builder.Services.AddPaymentTelemetry();
builder.Services.AddPaymentFunctions(builder.Configuration);
await builder.Build().RunAsync();
