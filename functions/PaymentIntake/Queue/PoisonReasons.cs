namespace PaymentIntake.Queue;

/// <summary>Why a message is on <c>payments-poison</c>, as recorded with it.</summary>
public static class PoisonReasons
{
    /// <summary>The host gave up: the function failed <c>maxDequeueCount</c> times.</summary>
    public const string MaxDequeueCount = "max_dequeue_count";

    /// <summary>Posting gave up: the vendor stayed unavailable longer than <c>Posting:MaxPostingAge</c>.</summary>
    public const string VendorUnavailable = "vendor_unavailable";

    /// <summary>Exception type recorded for <see cref="VendorUnavailable"/> (no exception was thrown).</summary>
    public const string VendorUnavailableType = "VendorUnavailable";

    /// <summary>Where <see cref="VendorUnavailable"/> and <see cref="VendorFailsPayment"/> are decided: posting.</summary>
    public const string VendorUnavailableOrigin = "PaymentPoster";

    /// <summary>
    /// Posting gave up: the vendor failed this payment <c>Posting:OwnFailureLimit</c> times while it answered other calls
    /// and nothing else failed — the failure follows the payment, not the vendor.
    /// </summary>
    public const string VendorFailsPayment = "vendor_fails_payment";

    /// <summary>Exception type recorded for <see cref="VendorFailsPayment"/> (no exception was thrown).</summary>
    public const string VendorFailsPaymentType = "VendorFailsPayment";

    /// <summary>
    /// The host moved the message to <c>payments-poison</c> unread: its body is not base64, as the queue's
    /// <c>messageEncoding</c> requires, so no function could be given it (the Storage Queues extension's own rule).
    /// </summary>
    public const string Undecodable = "undecodable";

    /// <summary>Exception type recorded for <see cref="Undecodable"/> (the extension's decode failure).</summary>
    public const string UndecodableType = "FormatException";

    /// <summary>Where <see cref="Undecodable"/> is decided: the host's queue listener.</summary>
    public const string UndecodableOrigin = "QueueListener";

    /// <summary>True for the reasons posting decides itself (no exception; the row's last error says why).</summary>
    public static bool IsDecidedByPosting(string? reason) => reason is VendorUnavailable or VendorFailsPayment;

    /// <summary>The exception type recorded for a reason posting decided.</summary>
    public static string TypeOf(string reason) => reason == VendorFailsPayment ? VendorFailsPaymentType : VendorUnavailableType;
}
