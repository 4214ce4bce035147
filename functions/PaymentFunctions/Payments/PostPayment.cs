using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Posting;

namespace PaymentFunctions.Payments;

/// <summary>Queue trigger on <c>payments</c>: post one payment to the vendor.</summary>
public sealed class PostPayment(PaymentPoster poster)
{
    /// <summary>Runs the function; an exception lets the host retry and finally poison the message.</summary>
    [Function(nameof(PostPayment))]
    public Task Run([QueueTrigger("payments")] string message, CancellationToken cancellationToken) =>
        poster.PostAsync(message, cancellationToken);
}
