using System.Text.Json;

namespace PaymentFunctions.Tests;

/// <summary>The Worker SDK's generated functions.metadata is what Azure runs: it must list exactly our triggers.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonElement[] Functions = Load();

    private static JsonElement[] Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static JsonElement Trigger(string function) =>
        Functions.Single(f => f.GetProperty("name").GetString() == function)
            .GetProperty("bindings").EnumerateArray()
            .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void Metadata_ListsExactlyTheFunctions() =>
        Assert.Equal(["ConsoleGetBatch", "ConsoleGetDeadlines", "ConsoleGetOpsStatus", "ConsoleGetPayment", "ConsoleGetPaymentHistory", "ConsoleGetPoisonMessage", "ConsoleListAudit", "ConsoleListBatches", "ConsoleListMemberPayments", "ConsoleListPoison", "ConsoleReplayPoison", "GetBatch", "GetDeadlines", "GetOpsStatus", "GetPayment", "GetPaymentHistory", "GetPoisonMessage", "GetReconciliation", "Health", "ListAudit", "ListBatches", "ListMemberPayments", "ListPoison", "ListReconciliations", "PostPayment", "ProbeVendor", "ProcessBatch", "Ready", "ReconcilePayments", "RecordPoison", "ReplayPoison", "ReportOperations", "RequestReconciliation", "RunReconciliation", "ScheduleReconciliation", "ServeConsole", "ServeConsoleFile", "StripeWebhook", "SubmitPayment", "TakeOverClaims", "UploadBatch"], Functions.Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("SubmitPayment", "post", "payments", "Function")]
    [InlineData("GetPayment", "get", "payments/{paymentId}", "Function")]
    [InlineData("Health", "get", "health", "Anonymous")]
    [InlineData("StripeWebhook", "post", "webhooks/stripe", "Anonymous")]
    [InlineData("UploadBatch", "put", "batches/{batchId}", "Function")]
    [InlineData("GetBatch", "get", "batches/{batchId}", "Function")]
    [InlineData("GetOpsStatus", "get", "ops/status", "Function")]
    [InlineData("ListPoison", "get", "ops/poison", "Function")]
    [InlineData("GetPoisonMessage", "get", "ops/poison/{messageId}", "Function")]
    [InlineData("ReplayPoison", "post", "ops/poison/replay", "Function")]
    public void Metadata_HttpTrigger_HasRouteMethodAndAuthLevel(string function, string method, string route, string authLevel)
    {
        var trigger = Trigger(function);

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
    }

    [Theory]
    [InlineData("PostPayment", "payments")]
    [InlineData("ProcessBatch", "batches")]
    [InlineData("RunReconciliation", "reconciliations")]
    public void Metadata_QueueTrigger_HasQueueName(string function, string queue)
    {
        var trigger = Trigger(function);

        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(queue, trigger.GetProperty("queueName").GetString());
    }

    [Theory]
    [InlineData("ReconcilePayments", "0 */1 * * * *")]
    [InlineData("ReportOperations", "30 */1 * * * *")]
    [InlineData("ProbeVendor", "*/5 * * * * *")]
    [InlineData("TakeOverClaims", "*/5 * * * * *")]
    [InlineData("ScheduleReconciliation", "0 */10 * * * *")]
    public void Metadata_Timer_HasItsSchedule(string function, string schedule)
    {
        var trigger = Trigger(function);

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(schedule, trigger.GetProperty("schedule").GetString());
    }

    /// <summary>payments-poison is read raw by a timer, not by a base64 trigger that could not decode what the host moved there unread.</summary>
    [Fact]
    public void Metadata_RecordPoison_IsATimerEveryTenSecondsAndNoFunctionTriggersOnPaymentsPoison()
    {
        var trigger = Trigger("RecordPoison");

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("*/10 * * * * *", trigger.GetProperty("schedule").GetString());
        Assert.DoesNotContain(Functions, f => f.GetProperty("bindings").EnumerateArray().Any(b => b.TryGetProperty("queueName", out var q) && q.GetString() == "payments-poison"));
    }

    /// <summary>A local host's switches turn off, on the real host, exactly the functions of that trigger kind.</summary>
    [Theory]
    [InlineData("LocalHost:QueuePump", "queueTrigger")]
    [InlineData("LocalHost:TimerTriggers", "timerTrigger")]
    public void RealHostSettings_SwitchOff_DisablesEveryFunctionOfThatTrigger(string switchKey, string triggerType)
    {
        var real = PaymentFunctions.RealHost.RealHostSettings.From(new Dictionary<string, string?> { [switchKey] = "false" });

        var expected = Functions.Select(f => f.GetProperty("name").GetString()!)
            .Where(name => Trigger(name).GetProperty("type").GetString() == triggerType)
            .Select(name => $"AzureWebJobs.{name}.Disabled").Order(StringComparer.Ordinal);
        Assert.Equal(expected, real.Where(p => p.Value == "true").Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}
