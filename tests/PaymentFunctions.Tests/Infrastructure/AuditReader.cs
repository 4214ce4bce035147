using PaymentIntake.Operations;

namespace PaymentFunctions.Tests.Infrastructure;

/// <summary>Reads the audit across UTC days: it is partitioned by day, and a test may run across midnight.</summary>
internal static class AuditReader
{
    public static async Task<List<AuditEntry>> SinceAsync(AuditLog audit, DateTimeOffset since)
    {
        var entries = new List<AuditEntry>();
        for (var day = since.UtcDateTime.Date; day <= DateTime.UtcNow.Date; day = day.AddDays(1))
        {
            entries.AddRange(await audit.ListAsync(new DateTimeOffset(day, TimeSpan.Zero), CancellationToken.None));
        }

        return entries;
    }
}
