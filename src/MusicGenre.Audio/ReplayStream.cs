namespace MusicGenre.Audio;

/// <summary>A read-only, forward-only stream that returns already-consumed prefix bytes and then the rest of an inner stream.</summary>
internal sealed class ReplayStream : Stream
{
    private byte[] _prefix;
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private int _prefixPos;
    private long _position;

    public ReplayStream(byte[] prefix, Stream inner, bool leaveOpen)
    {
        _prefix = prefix;
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_prefixPos < _prefix.Length)
        {
            n = Math.Min(buffer.Length, _prefix.Length - _prefixPos);
            _prefix.AsSpan(_prefixPos, n).CopyTo(buffer);
            _prefixPos += n;
        }
        else
        {
            n = _inner.Read(buffer);
        }
        _position += n;
        return n;
    }

    /// <summary>
    /// Puts <paramref name="bytes"/>, just read, back in front of what is left, so the next read returns them again (a
    /// one-pass reader that looked ahead: the WAV chunk walk after a chunk of odd size).
    /// </summary>
    public void Unread(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _position) throw new InvalidOperationException("cannot unread bytes that were not read");
        _prefix = [.. bytes, .. _prefix.AsSpan(_prefixPos)];
        _prefixPos = 0;
        _position -= bytes.Length;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }
}
