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

    /// <summary>Where <see cref="VendorUnavailable"/> is decided: posting.</summary>
    public const string VendorUnavailableOrigin = "PaymentPoster";
}
