using Azure.Data.Tables;

namespace PaymentIntake.Storage;

/// <summary>A table client that creates its table on first use (once it has succeeded; a failed creation is tried again).</summary>
public sealed class LazyTable
{
    private readonly CreatedOnce _created;

    /// <summary>Wraps the table <paramref name="name"/>.</summary>
    public LazyTable(TableServiceClient tables, string name)
    {
        ArgumentNullException.ThrowIfNull(tables);
        Client = tables.GetTableClient(name);
        _created = new(() => Client.CreateIfNotExistsAsync(), Client.Uri);
    }

    /// <summary>The client (use after <see cref="ReadyAsync"/>).</summary>
    public TableClient Client { get; }

    /// <summary>Waits until the table exists; returns the client.</summary>
    public async Task<TableClient> ReadyAsync()
    {
        await _created.EnsureAsync().ConfigureAwait(false);
        return Client;
    }
}
