using DeployFreeze;

namespace PaymentFunctions.Tests.Deploy;

/// <summary>The deadline freeze the azd hooks run before provision and deploy (tools/DeployFreeze, infra/freeze-windows.json).</summary>
public sealed class DeployFreezeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("freeze").FullName;

    private string Windows(string json)
    {
        var path = Path.Combine(_dir, "freeze-windows.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string OneDeadline = """{ "windows": [ { "name": "Q1 premium", "deadline": "2027-01-31T23:59:59Z", "daysBefore": 7, "daysAfter": 3 } ] }""";

    private static (int Code, string Output, string Error) Run(string windows, string at, string? reason = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = FreezeCheck.Run(["check", "--windows", windows, "--action", "deploy", "--at", at], name => name switch
        {
            FreezeCheck.OverrideVariable => reason,
            "DEPLOY_FREEZE_OVERRIDE_BY" => "ops@example.org",
            _ => null,
        }, DateTimeOffset.UnixEpoch, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("2027-01-25T00:00:00Z")]
    [InlineData("2027-01-31T23:59:59Z")]
    [InlineData("2027-02-03T23:59:58Z")]
    public void InsideAWindow_WithoutOverride_IsRefused(string at)
    {
        var (code, _, error) = Run(Windows(OneDeadline), at);
        Assert.Equal(FreezeCheck.Frozen, code);
        Assert.Contains("Q1 premium", error, StringComparison.Ordinal);
        Assert.Contains(FreezeCheck.OverrideVariable, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2027-01-24T23:59:58Z")]
    [InlineData("2027-02-04T00:00:00Z")]
    public void OutsideEveryWindow_GoesAhead(string at) =>
        Assert.Equal(0, Run(Windows(OneDeadline), at).Code);

    [Fact]
    public void Override_WithAReason_GoesAhead_AndIsRecorded()
    {
        var (code, output, _) = Run(Windows(OneDeadline), "2027-01-30T12:00:00Z", "vendor outage hotfix, INC-4711");

        Assert.Equal(0, code);
        Assert.Contains("OVERRIDE", output, StringComparison.Ordinal);
        var record = Assert.Single(File.ReadAllLines(Path.Combine(_dir, "freeze-overrides.jsonl")));
        Assert.Contains("vendor outage hotfix, INC-4711", record, StringComparison.Ordinal);
        Assert.Contains("ops@example.org", record, StringComparison.Ordinal);
        Assert.Contains("Q1 premium", record, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_WithoutARealReason_IsRefused()
    {
        Assert.Equal(FreezeCheck.Frozen, Run(Windows(OneDeadline), "2027-01-30T12:00:00Z", "yes").Code);
        Assert.False(File.Exists(Path.Combine(_dir, "freeze-overrides.jsonl")));
    }

    [Theory]
    [InlineData("""{ "windows": [ { "name": "", "deadline": "2027-01-31T00:00:00Z", "daysBefore": 1, "daysAfter": 1 } ] }""")]
    [InlineData("""{ "windows": [ { "name": "x", "deadline": "2027-01-31T00:00:00Z", "daysBefore": -1, "daysAfter": 1 } ] }""")]
    [InlineData("""{ "windows": [ { "name": "x", "deadline": "2027-01-31T00:00:00Z", "daysbefor": 1 } ] }""")]
    [InlineData("""not json""")]
    public void InvalidCalendar_IsAUsageError(string json) =>
        Assert.Equal(FreezeCheck.Usage, Run(Windows(json), "2027-01-30T12:00:00Z").Code);

    [Fact]
    public void CheckedInCalendar_IsValid_AndTheAzdHooksRunTheCheck()
    {
        var calendar = FreezeCalendar.Load(Path.Combine(InfraTests.RepositoryRoot, "infra", "freeze-windows.json"));
        Assert.NotEmpty(calendar.Windows);
        var azure = File.ReadAllText(Path.Combine(InfraTests.RepositoryRoot, "azure.yaml"));
        Assert.Contains("preprovision:", azure, StringComparison.Ordinal);
        Assert.Contains("predeploy:", azure, StringComparison.Ordinal);
        Assert.Equal(2, azure.Split("tools/DeployFreeze -- check --windows infra/freeze-windows.json").Length - 1);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
