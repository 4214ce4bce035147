namespace PaymentIntake.Storage;

/// <summary>
/// The queues of the flow, as constants so that the trigger attributes, the senders and the storage names use the
/// same words. The poison queue's name follows the Functions host's rule: the queue's name + <c>-poison</c>.
/// </summary>
public static class QueueNames
{
    /// <summary>Payments to post (<c>payments</c>): the hand-off from intake to posting.</summary>
    public const string Payments = "payments";

    /// <summary>Mail-in batches waiting to be processed (<c>batches</c>).</summary>
    public const string Batches = "batches";

    /// <summary>Reconciliations with Stripe waiting to run (<c>reconciliations</c>).</summary>
    public const string Reconciliations = "reconciliations";

    /// <summary>The suffix the Functions host appends to a queue's name for its poison queue.</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>Messages that could not be processed (<c>payments-poison</c>).</summary>
    public const string PaymentsPoison = Payments + PoisonSuffix;

    /// <summary>The poison queue of <paramref name="queue"/>, as the Functions host names it.</summary>
    public static string PoisonOf(string queue) => queue + PoisonSuffix;
}
