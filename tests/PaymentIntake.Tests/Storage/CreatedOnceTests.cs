using PaymentIntake.Storage;

namespace PaymentIntake.Tests.Storage;

public sealed class CreatedOnceTests
{
    [Fact]
    public async Task EnsureAsync_FirstTryFailed_TriesAgainOnTheNextCall()
    {
        var tries = 0;
        var created = new CreatedOnce(() => ++tries == 1 ? Task.FromException(new IOException("storage unreachable")) : Task.CompletedTask);

        await Assert.ThrowsAsync<IOException>(created.EnsureAsync);
        await created.EnsureAsync();

        Assert.Equal(2, tries);
    }

    [Fact]
    public async Task EnsureAsync_Succeeded_IsNotTriedAgain()
    {
        var tries = 0;
        var created = new CreatedOnce(() => { tries++; return Task.CompletedTask; });

        await created.EnsureAsync();
        await created.EnsureAsync();
        await created.EnsureAsync();

        Assert.Equal(1, tries);
    }

    [Fact]
    public async Task EnsureAsync_CallersWhileATryRuns_ShareIt()
    {
        var tries = 0;
        var running = new TaskCompletionSource();
        var created = new CreatedOnce(() => { tries++; return running.Task; });

        var waiting = Enumerable.Range(0, 5).Select(_ => created.EnsureAsync()).ToList();
        running.SetResult();
        await Task.WhenAll(waiting);

        Assert.Equal(1, tries);
    }

    [Fact]
    public async Task EnsureAsync_CanceledTry_IsTriedAgain()
    {
        var tries = 0;
        var created = new CreatedOnce(() => ++tries == 1 ? Task.FromCanceled(new CancellationToken(canceled: true)) : Task.CompletedTask);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(created.EnsureAsync);
        await created.EnsureAsync();

        Assert.Equal(2, tries);
    }
}
