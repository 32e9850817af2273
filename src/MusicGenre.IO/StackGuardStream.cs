using System.Runtime.CompilerServices;

namespace MusicGenre.IO;

/// <summary>
/// A read-only, seekable view of a stream that refuses a read once the calling thread's stack is nearly used up. HDF5
/// files are opened through it: PureHDF 2.2 follows soft links by recursion without remembering where it has been, so a
/// link that leads back to itself (<c>/a → /a</c>, or <c>/a → /b → /a</c>) recursed until the stack overflowed, which
/// ends the process with no message. Every level of that recursion decodes object headers, i.e. reads from the file;
/// refusing the read raises <see cref="InsufficientExecutionStackException"/> while there is still stack to unwind,
/// PureHDF records it as an unresolved link, and the caller's error names the file and the object.
/// </summary>
internal sealed class StackGuardStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;

    /// <summary>Wraps <paramref name="inner"/> (readable and seekable).</summary>
    public StackGuardStream(Stream inner, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading (shared read), guarded, and hands it to <paramref name="open"/> (e.g.
    /// <c>s =&gt; H5File.Open(s)</c>, which then owns it); closes the file when <paramref name="open"/> throws.
    /// </summary>
    public static T OpenFile<T>(string path, Func<Stream, T> open)
    {
        var stream = new StackGuardStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096), leaveOpen: false);
        try { return open(stream); }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public override bool CanRead => _inner.CanRead;
    public override bool CanSeek => _inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Guard();
        return _inner.Read(buffer);
    }

    public override int ReadByte()
    {
        Guard();
        return _inner.ReadByte();
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException("read-only");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("read-only");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }

    private static void Guard()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new InsufficientExecutionStackException("the file's links lead back to themselves (a loop of HDF5 soft links)");
    }
}
