namespace MusicGenre.Nn.Training;

/// <summary>
/// An in-memory set of feature segments for training or prediction: <see cref="Data"/> is
/// <c>[Count, Channels, Mels, Frames]</c> float32 (row-major), with one genre label and one song id per segment.
/// Segments of one song share its id, so validation splits never put a song on both sides.
/// </summary>
internal sealed class SegmentSet
{
    /// <summary>Wraps the arrays (not copied) after checking that their sizes agree.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, a dimension is not positive, a label is negative or a song id is empty; all problems listed.</exception>
    public SegmentSet(float[] data, int count, int channels, int mels, int frames, int[] labels, string[] songIds)
    {
        ArgumentNullException.ThrowIfNull(data); ArgumentNullException.ThrowIfNull(labels); ArgumentNullException.ThrowIfNull(songIds);
        var problems = new List<string>();
        if (count < 0 || channels < 1 || mels < 1 || frames < 1)
            problems.Add($"shape [{count}, {channels}, {mels}, {frames}] must have count ≥ 0 and positive channels, mels, frames");
        else if (data.LongLength != (long)count * channels * mels * frames)
            problems.Add($"data has {data.LongLength} values, shape [{count}, {channels}, {mels}, {frames}] needs {(long)count * channels * mels * frames}");
        if (labels.Length != count) problems.Add($"{labels.Length} labels for {count} segments");
        if (songIds.Length != count) problems.Add($"{songIds.Length} song ids for {count} segments");
        int bad = Array.FindIndex(labels, l => l < 0);
        if (bad >= 0) problems.Add($"label {labels[bad]} at segment {bad} is negative");
        int empty = Array.FindIndex(songIds, string.IsNullOrEmpty);
        if (empty >= 0) problems.Add($"song id of segment {empty} is empty");
        if (problems.Count > 0) throw new ArgumentException("Invalid segment set: " + string.Join("; ", problems) + ".");
        Data = data; Count = count; Channels = channels; Mels = mels; Frames = frames; Labels = labels; SongIds = songIds;
    }

    /// <summary>Segments, <c>[Count, Channels, Mels, Frames]</c>.</summary>
    public float[] Data { get; }

    /// <summary>Number of segments.</summary>
    public int Count { get; }

    /// <summary>Channels per segment.</summary>
    public int Channels { get; }

    /// <summary>Mel bands per segment.</summary>
    public int Mels { get; }

    /// <summary>Frames per segment.</summary>
    public int Frames { get; }

    /// <summary>Values per segment.</summary>
    public int SegmentLength => Channels * Mels * Frames;

    /// <summary>Genre index per segment.</summary>
    public int[] Labels { get; }

    /// <summary>Song id per segment.</summary>
    public string[] SongIds { get; }

    /// <summary>Centre frequency in Hz of each mel band (<see cref="Mels"/> values), when known; the low-pass and tilt augmentations need it.</summary>
    public double[]? BandFrequencies { get; init; }

    /// <summary>Segment <paramref name="index"/>'s values <c>[Channels, Mels, Frames]</c>.</summary>
    public ReadOnlySpan<float> Segment(int index) => Data.AsSpan(index * SegmentLength, SegmentLength);

    /// <summary>A 64-bit fingerprint of shape, labels, song ids and every value (FNV-1a over 64-bit words), used to refuse resuming a checkpoint on other data.</summary>
    public ulong Fingerprint()
    {
        const ulong prime = 0x100000001B3UL;
        ulong h = 0xCBF29CE484222325UL;
        void Mix(ulong v) { h = (h ^ v) * prime; }
        Mix((ulong)Count); Mix((ulong)Channels); Mix((ulong)Mels); Mix((ulong)Frames);
        foreach (int l in Labels) Mix((ulong)l);
        foreach (string s in SongIds) { Mix((ulong)s.Length); foreach (char c in s) Mix(c); }
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<float, ulong>(Data.AsSpan(0, Data.Length & ~1));
        foreach (ulong w in words) Mix(w);
        if ((Data.Length & 1) != 0) Mix(BitConverter.SingleToUInt32Bits(Data[^1]));
        return h;
    }
}
