namespace PaymentIntake.Intake;

/// <summary>What intake decided about a submitted payment.</summary>
public abstract record IntakeResult
{
    private IntakeResult() { }

    /// <summary>Recorded and queued (or a replay of the same request): answer 202 with the receipt.</summary>
    public sealed record Accepted(PaymentReceipt Receipt, bool Replayed) : IntakeResult;

    /// <summary>Bad input: answer 400 with the errors per field.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : IntakeResult;

    /// <summary>The idempotency key was used before with another body: answer 422.</summary>
    public sealed record KeyReused(string PaymentId) : IntakeResult;
}
