using MusicGenre.Pipeline.Preprocess;

namespace MusicGenre.Pipeline.Tests.Preprocess;

public sealed class SpoolPartTests
{
    /// <summary>
    /// Any run of a part's segments reads back as written, from its place in the file: the store takes a song from its
    /// part a piece at a time (a whole 27-hour song, more than 2 GiB, overflowed the one span it was read into).
    /// </summary>
    [Fact]
    public void ReadSegments_AnyRange_ReadsThoseSegmentsAsWritten()
    {
        const int mels = 3, frames = 2, segments = 7;
        string path = Path.Combine(SharedData.NewTempDir(), "song.part");
        var written = Enumerable.Range(0, segments * mels * frames).Select(i => i * 0.5f - 3).ToArray();
        using (var part = SpoolPart.Begin(path, "rock/long", "stamp", mels, frames))
        {
            for (int k = 0; k < segments; k++) part.Append(written.AsSpan(k * mels * frames, mels * frames));
            part.Commit(padded: false);
        }

        var read = SpoolPart.TryRead(path)!;
        Assert.Equal(segments, read.Segments);
        for (int first = 0; first < segments; first++)
            for (int count = 1; first + count <= segments; count++)
            {
                var destination = new float[count * mels * frames];
                read.ReadSegments(path, first, count, destination);
                Assert.Equal(written.AsSpan(first * mels * frames, count * mels * frames).ToArray(), destination);
            }
    }
}
