namespace MusicGenre.Nn.Training;

/// <summary>
/// A set of feature segments for training or prediction, each <c>[Channels, Mels, Frames]</c> float32 (row-major), with
/// one genre label and one song id per segment. Segments of one song share its id, so validation splits never put a song
/// on both sides. The values are either in memory (<see cref="Data"/>, <c>[Count, Channels, Mels, Frames]</c>) or read
/// from where they are stored (an <see cref="ISegmentSource"/>, e.g. a feature store too large for memory) when asked
/// for; labels and song ids are always in memory.
/// </summary>
internal sealed class SegmentSet
{
    private readonly ISegmentSource? _source;
    private ulong? _fingerprint;

    /// <summary>Wraps the arrays (not copied) after checking that their sizes agree.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, a dimension is not positive, a label is negative or a song id is empty; all problems listed.</exception>
    public SegmentSet(float[] data, int count, int channels, int mels, int frames, int[] labels, string[] songIds)
        : this(data ?? throw new ArgumentNullException(nameof(data)), null, count, channels, mels, frames, labels, songIds) { }

    /// <summary>A set whose values <paramref name="source"/> reads segment by segment when asked; labels and ids are wrapped (not copied).</summary>
    /// <exception cref="ArgumentException">As for in-memory data, but for the values' length.</exception>
    public SegmentSet(ISegmentSource source, int count, int channels, int mels, int frames, int[] labels, string[] songIds)
        : this(null, source ?? throw new ArgumentNullException(nameof(source)), count, channels, mels, frames, labels, songIds) { }

    private SegmentSet(float[]? data, ISegmentSource? source, int count, int channels, int mels, int frames, int[] labels, string[] songIds)
    {
        ArgumentNullException.ThrowIfNull(labels); ArgumentNullException.ThrowIfNull(songIds);
        var problems = new List<string>();
        if (count < 0 || channels < 1 || mels < 1 || frames < 1)
            problems.Add($"shape [{count}, {channels}, {mels}, {frames}] must have count ≥ 0 and positive channels, mels, frames");
        else if (data is not null && data.LongLength != (long)count * channels * mels * frames)
            problems.Add($"data has {data.LongLength} values, shape [{count}, {channels}, {mels}, {frames}] needs {(long)count * channels * mels * frames}");
        if (labels.Length != count) problems.Add($"{labels.Length} labels for {count} segments");
        if (songIds.Length != count) problems.Add($"{songIds.Length} song ids for {count} segments");
        int bad = Array.FindIndex(labels, l => l < 0);
        if (bad >= 0) problems.Add($"label {labels[bad]} at segment {bad} is negative");
        int empty = Array.FindIndex(songIds, string.IsNullOrEmpty);
        if (empty >= 0) problems.Add($"song id of segment {empty} is empty");
        if (problems.Count > 0) throw new ArgumentException("Invalid segment set: " + string.Join("; ", problems) + ".");
        Data = data; _source = source; Count = count; Channels = channels; Mels = mels; Frames = frames; Labels = labels; SongIds = songIds;
    }

    /// <summary>Segments, <c>[Count, Channels, Mels, Frames]</c>, when they are in memory; null when they are read from a source.</summary>
    public float[]? Data { get; }

    /// <summary>Values this set holds in memory: all of them, or none when they are read from a source.</summary>
    public long ResidentValues => Data?.LongLength ?? 0;

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

    /// <summary>Segment <paramref name="index"/>'s values <c>[Channels, Mels, Frames]</c>, of a set held in memory.</summary>
    /// <exception cref="InvalidOperationException">The set reads its values from a source: use the overload with a buffer.</exception>
    public ReadOnlySpan<float> Segment(int index) =>
        Data is { } data ? data.AsSpan(index * SegmentLength, SegmentLength)
            : throw new InvalidOperationException("this segment set reads its values from a source; pass a buffer to Segment");

    /// <summary>
    /// Segment <paramref name="index"/>'s values <c>[Channels, Mels, Frames]</c>: a view of memory, or read from the source
    /// into <paramref name="buffer"/> (at least <see cref="SegmentLength"/> values), which is then what is returned.
    /// </summary>
    public ReadOnlySpan<float> Segment(int index, Span<float> buffer)
    {
        if (Data is not null) return Segment(index);
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"segment {index} is outside 0..{Count - 1}");
        var values = buffer[..SegmentLength];
        _source!.Read(index, values);
        return values;
    }

    /// <summary>A buffer for <see cref="Segment(int, Span{float})"/>: one segment long when values are read from a source, else empty (not needed).</summary>
    public float[] ReadBuffer() => Data is null ? new float[SegmentLength] : [];

    /// <summary>
    /// A 64-bit fingerprint of shape, labels, song ids and every value (FNV-1a over 64-bit words of the values in segment
    /// order), used to refuse resuming a checkpoint on other data. The same for a set in memory and one read from a source;
    /// computed once (for a source, one pass over every segment).
    /// </summary>
    public ulong Fingerprint() => _fingerprint ??= ComputeFingerprint();

    private ulong ComputeFingerprint()
    {
        const ulong prime = 0x100000001B3UL;
        ulong h = 0xCBF29CE484222325UL;
        void Mix(ulong v) { h = (h ^ v) * prime; }
        Mix((ulong)Count); Mix((ulong)Channels); Mix((ulong)Mels); Mix((ulong)Frames);
        foreach (int l in Labels) Mix((ulong)l);
        foreach (string s in SongIds) { Mix((ulong)s.Length); foreach (char c in s) Mix(c); }
        // The values as one stream of 64-bit words (little-endian: the earlier float in the low half), then an odd last
        // float alone. Read segment by segment, a word whose halves lie in two segments is carried across the boundary.
        bool carry = false;
        uint low = 0;
        var buffer = ReadBuffer();
        for (int i = 0; i < Count; i++)
        {
            var values = Segment(i, buffer);
            int at = 0;
            if (carry) { Mix(low | (ulong)BitConverter.SingleToUInt32Bits(values[0]) << 32); at = 1; carry = false; }
            int pairs = (values.Length - at) / 2;
            foreach (ulong w in System.Runtime.InteropServices.MemoryMarshal.Cast<float, ulong>(values.Slice(at, pairs * 2))) Mix(w);
            if (at + pairs * 2 < values.Length) { low = BitConverter.SingleToUInt32Bits(values[^1]); carry = true; }
        }
        if (carry) Mix(low); // an odd total: the last float alone
        return h;
    }
}

/// <summary>Where the values of a <see cref="SegmentSet"/> that is not held in memory are read from (e.g. a feature store).</summary>
internal interface ISegmentSource
{
    /// <summary>Copies segment <paramref name="index"/>'s values <c>[Channels, Mels, Frames]</c> into <paramref name="destination"/> (exactly one segment long).</summary>
    void Read(int index, Span<float> destination);
}
