using System.Runtime.InteropServices;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>Streams one song's segments into a temp file; disposing without <see cref="Commit"/> deletes it.</summary>
internal sealed class SpoolPartWriter : IDisposable
{
    private readonly MusicGenre.IO.PendingFile _file;
    private readonly int _segmentLength;
    private readonly BinaryWriter _writer;
    private readonly long _countPosition;
    private int _segments;

    public SpoolPartWriter(string path, string songId, string source, int mels, int frames)
    {
        _file = MusicGenre.IO.SafeFile.Begin(path, removeStaleTemps: false); // SpoolFolder sweeps its temps at start
        _segmentLength = mels * frames;
        _writer = new BinaryWriter(new FileStream(_file.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
        SpoolPart.WritePreamble(_writer, songId, source, status: 0);
        _writer.Write(mels);
        _writer.Write(frames);
        _countPosition = _writer.BaseStream.Position;
        _writer.Write(0);
        _writer.Write(false);
    }

    /// <summary>Segments appended so far.</summary>
    public int Segments => _segments;

    /// <summary>Appends one segment's features (<c>mels × frames</c> floats).</summary>
    public void Append(ReadOnlySpan<float> features)
    {
        if (features.Length != _segmentLength) throw new ArgumentException($"a segment has {features.Length} features, expected {_segmentLength}", nameof(features));
        _writer.Write(MemoryMarshal.AsBytes(features));
        _segments++;
    }

    /// <summary>Fills in the segment count and padding flag, flushes, and renames the temp file into place.</summary>
    public void Commit(bool padded)
    {
        _writer.Seek((int)_countPosition, SeekOrigin.Begin);
        _writer.Write(_segments);
        _writer.Write(padded);
        _writer.Flush();
        ((FileStream)_writer.BaseStream).Flush(flushToDisk: true);
        _writer.Dispose();
        _file.Commit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }
}
