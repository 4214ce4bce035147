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

    [Fact]
    public async Task EnsureAsync_OfAnotherClientOfAnAddressCreatedInThisProcess_CallsNothing()
    {
        var address = new Uri($"http://127.0.0.1:10002/devstoreaccount1/t{Guid.NewGuid():N}");
        int first = 0, second = 0;

        await new CreatedOnce(() => { first++; return Task.CompletedTask; }, address).EnsureAsync();
        await new CreatedOnce(() => { second++; return Task.CompletedTask; }, address).EnsureAsync();

        Assert.Equal((1, 0), (first, second));
    }

    [Fact]
    public async Task EnsureAsync_AfterAnotherClientOfTheAddressFailed_TriesWithItsOwnClient()
    {
        var address = new Uri($"http://127.0.0.1:10002/devstoreaccount1/t{Guid.NewGuid():N}");
        var second = 0;

        await Assert.ThrowsAsync<IOException>(new CreatedOnce(() => Task.FromException(new IOException("that instance died")), address).EnsureAsync);
        await new CreatedOnce(() => { second++; return Task.CompletedTask; }, address).EnsureAsync();

        Assert.Equal(1, second);
    }

    [Fact]
    public async Task EnsureAsync_OfAnotherAddress_Creates()
    {
        int first = 0, second = 0;

        await new CreatedOnce(() => { first++; return Task.CompletedTask; }, new Uri($"http://127.0.0.1:10002/devstoreaccount1/a{Guid.NewGuid():N}")).EnsureAsync();
        await new CreatedOnce(() => { second++; return Task.CompletedTask; }, new Uri($"http://127.0.0.1:10002/devstoreaccount1/b{Guid.NewGuid():N}")).EnsureAsync();

        Assert.Equal((1, 1), (first, second));
    }
}
