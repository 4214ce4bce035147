namespace PaymentCtl;

/// <summary>Reads through a file and reports every tenth of it, so a large upload shows it is moving.</summary>
internal sealed class ProgressStream(Stream inner, long length, Action<long, long> report) : Stream
{
    private long _read;
    private int _lastTenth;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Advance(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Advance(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Advance(int read)
    {
        _read += read;
        var tenth = length == 0 ? 10 : (int)(_read * 10 / length);
        if (tenth > _lastTenth)
        {
            _lastTenth = tenth;
            report(_read, length);
        }

        return read;
    }
}
