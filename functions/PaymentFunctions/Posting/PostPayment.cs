using Microsoft.Azure.Functions.Worker;
using PaymentIntake.Posting;
using PaymentIntake.Storage;

namespace PaymentFunctions.Posting;

/// <summary>Queue trigger on <c>payments</c>: post one payment to the vendor.</summary>
public sealed class PostPayment(PaymentPoster poster)
{
    /// <summary>Runs the function; an exception lets the host retry and finally poison the message.</summary>
    [Function(nameof(PostPayment))]
    public Task Run([QueueTrigger(QueueNames.Payments)] string message, CancellationToken cancellationToken) =>
        poster.PostAsync(message, cancellationToken);
}
