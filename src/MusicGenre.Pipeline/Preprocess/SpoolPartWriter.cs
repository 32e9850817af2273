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

    /// <exception cref="PreprocessException">The part cannot be written (here and in <see cref="Append"/> and <see cref="Commit"/>).</exception>
    public SpoolPartWriter(string path, string songId, string source, int mels, int frames)
    {
        _path = path;
        _segmentLength = mels * frames;
        MusicGenre.IO.PendingFile? file = null;
        BinaryWriter? writer = null;
        try
        {
            file = MusicGenre.IO.SafeFile.Begin(path, removeStaleTemps: false); // SpoolFolder sweeps its temps at start
            writer = new BinaryWriter(new FileStream(file.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
            SpoolPart.WritePreamble(writer, songId, source, status: 0);
            writer.Write(mels);
            writer.Write(frames);
            _countPosition = writer.BaseStream.Position;
            writer.Write(0);
            writer.Write(false);
        }
        catch (Exception e) when (SpoolPart.IsWriteError(e))
        {
            writer?.Dispose();
            file?.Dispose();
            throw SpoolPart.WriteFailed(path, e);
        }
        _file = file;
        _writer = writer;
    }

    private readonly string _path;

    /// <summary>Segments appended so far.</summary>
    public int Segments => _segments;

    /// <summary>Appends one segment's features (<c>mels × frames</c> floats).</summary>
    public void Append(ReadOnlySpan<float> features)
    {
        if (features.Length != _segmentLength) throw new ArgumentException($"a segment has {features.Length} features, expected {_segmentLength}", nameof(features));
        try { _writer.Write(MemoryMarshal.AsBytes(features)); }
        catch (Exception e) when (SpoolPart.IsWriteError(e)) { throw SpoolPart.WriteFailed(_path, e); }
        _segments++;
    }

    /// <summary>Fills in the segment count and padding flag, flushes, and renames the temp file into place.</summary>
    public void Commit(bool padded) => SpoolPart.Writing(_path, () =>
    {
        _writer.Seek((int)_countPosition, SeekOrigin.Begin);
        _writer.Write(_segments);
        _writer.Write(padded);
        _writer.Flush();
        ((FileStream)_writer.BaseStream).Flush(flushToDisk: true);
        _writer.Dispose();
        _file.Commit();
    });

    /// <inheritdoc />
    public void Dispose()
    {
        // An uncommitted part is thrown away: a failure to flush it (a full disk) must not become the song's failure.
        try { _writer.Dispose(); }
        catch (Exception e) when (SpoolPart.IsWriteError(e)) { }
        _file.Dispose();
    }
}
