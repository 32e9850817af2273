using MusicGenre.Nn.Training;

namespace MusicGenre.Nn.Tests.Training;

/// <summary>
/// A <see cref="SegmentSet"/> whose values are read from a source, segment by segment, against the same values held in
/// memory: the same segments, the same data fingerprint, and a training run with the same numbers.
/// </summary>
public sealed class SegmentSourceTests
{
    /// <summary>Serves segments from an array, one at a time, and counts the reads.</summary>
    private sealed class ArraySource(float[] data, int segmentLength) : ISegmentSource
    {
        public int Reads { get; private set; }

        public void Read(int index, Span<float> destination)
        {
            Assert.Equal(segmentLength, destination.Length);
            data.AsSpan(index * segmentLength, segmentLength).CopyTo(destination);
            Reads++;
        }
    }

    private static (SegmentSet Memory, SegmentSet Streamed, ArraySource Source) Pair(SegmentSet set)
    {
        var source = new ArraySource(set.Data!, set.SegmentLength);
        var streamed = new SegmentSet(source, set.Count, set.Channels, set.Mels, set.Frames, set.Labels, set.SongIds) { BandFrequencies = set.BandFrequencies };
        return (set, streamed, source);
    }

    /// <summary>
    /// The fingerprint is FNV-1a over the values as one stream of 64-bit words, whichever way they are held: with an odd
    /// segment length a word straddles two segments, and an odd total ends with one float alone. The reference here
    /// casts the whole array at once, as the in-memory fingerprint always did.
    /// </summary>
    [Theory]
    [InlineData(5, 7, 3)]   // 35 values per segment, 3 segments: words straddle segments, 105 values end with one alone
    [InlineData(5, 7, 4)]   // 140 values: even total
    [InlineData(4, 6, 3)]   // even segment length
    public void Fingerprint_IsTheSameInMemoryAndStreamed_ForOddAndEvenLengths(int mels, int frames, int count)
    {
        var rng = new Random(count * 100 + mels);
        var data = Enumerable.Range(0, mels * frames * count).Select(_ => (float)rng.NextDouble() * 80 - 80).ToArray();
        var set = new SegmentSet(data, count, 1, mels, frames, Enumerable.Range(0, count).Select(i => i % 2).ToArray(),
            Enumerable.Range(0, count).Select(i => $"s{i / 2}").ToArray());
        var (memory, streamed, _) = Pair(set);

        Assert.Equal(Reference(memory), memory.Fingerprint());
        Assert.Equal(Reference(memory), streamed.Fingerprint());
        // One changed value changes both.
        data[^1] += 1;
        var changed = new SegmentSet(data, count, 1, mels, frames, set.Labels, set.SongIds);
        Assert.NotEqual(memory.Fingerprint(), changed.Fingerprint());
        Assert.Equal(Reference(changed), changed.Fingerprint());
    }

    /// <summary>The fingerprint as one whole-array computation (the formula of checkpoints written before streaming).</summary>
    private static ulong Reference(SegmentSet set)
    {
        const ulong prime = 0x100000001B3UL;
        ulong h = 0xCBF29CE484222325UL;
        void Mix(ulong v) { h = (h ^ v) * prime; }
        Mix((ulong)set.Count); Mix((ulong)set.Channels); Mix((ulong)set.Mels); Mix((ulong)set.Frames);
        foreach (int l in set.Labels) Mix((ulong)l);
        foreach (string s in set.SongIds) { Mix((ulong)s.Length); foreach (char c in s) Mix(c); }
        var data = set.Data!;
        foreach (ulong w in System.Runtime.InteropServices.MemoryMarshal.Cast<float, ulong>(data.AsSpan(0, data.Length & ~1))) Mix(w);
        if ((data.Length & 1) != 0) Mix(BitConverter.SingleToUInt32Bits(data[^1]));
        return h;
    }

    [Fact]
    public void Segment_OfAStreamedSet_ReadsIntoTheBuffer_AndRefusesWithoutOne()
    {
        var (memory, streamed, source) = Pair(SyntheticData.Create(songsPerGenre: 2, segmentsPerSong: 2));
        var buffer = new float[memory.SegmentLength];
        for (int i = 0; i < memory.Count; i++)
            Assert.True(memory.Segment(i).SequenceEqual(streamed.Segment(i, buffer)), $"segment {i}");
        Assert.Equal(memory.Count, source.Reads);
        Assert.Null(streamed.Data);
        Assert.Equal(0, streamed.ResidentValues);
        Assert.Throws<InvalidOperationException>(() => streamed.Segment(0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => streamed.Segment(memory.Count, buffer).Length);
    }

    /// <summary>
    /// Training on the streamed set gives bit-identical weights and losses, with every random transformation on (crops of
    /// random length, shift, gain, masks, mixup): the batch assembler reads each segment once per use and draws nothing
    /// differently.
    /// </summary>
    [Fact]
    public void Training_OnAStreamedSet_EqualsTrainingInMemory()
    {
        var (memory, streamed, source) = Pair(SyntheticData.Create());
        var options = new TrainerOptions
        {
            Labels = SyntheticData.Labels, Epochs = 2, BatchSize = 8, Seed = 11, ThreadCount = 2,
            HyperParameters = new Dictionary<string, double> { ["width"] = 4, ["min_frames"] = 16 },
            Augmentation = new AugmentationOptions { MinCropFrames = 16, TimeShiftFrames = 3, GainDb = 4, FrequencyMasks = 1, FrequencyMaskWidth = 3, TimeMasks = 1, TimeMaskWidth = 4, MixupAlpha = 0.4f },
        };
        var a = new Trainer(options).Train(memory);
        var b = new Trainer(options).Train(streamed);

        Assert.Equal(a.History.Select(h => (h.TrainLoss, h.ValidationLoss)), b.History.Select(h => (h.TrainLoss, h.ValidationLoss)));
        foreach (var (pa, pb) in a.Model.Parameters.Zip(b.Model.Parameters).Concat(a.Model.Buffers.Zip(b.Model.Buffers)))
            Assert.True(pa.Data.AsSpan().SequenceEqual(pb.Data), $"{pa.Name} differs when streamed");
        Assert.True(source.Reads > memory.Count, $"only {source.Reads} reads for {memory.Count} segments over 2 epochs");
    }
}
