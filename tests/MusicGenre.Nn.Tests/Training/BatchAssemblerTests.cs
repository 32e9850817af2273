using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Nn.Tests.Training;

public sealed class BatchAssemblerTests
{
    private const int C = 2, M = 5, F = 12;

    private static SegmentSet Ramp(int count = 4)
    {
        // value = 1000·segment + 100·channel + 10·mel + frame, so every copy can be traced to its source.
        var data = new float[count * C * M * F];
        for (int n = 0; n < count; n++)
            for (int c = 0; c < C; c++)
                for (int m = 0; m < M; m++)
                    for (int t = 0; t < F; t++)
                        data[((n * C + c) * M + m) * F + t] = 1000 * n + 100 * c + 10 * m + t;
        return new SegmentSet(data, count, C, M, F, Enumerable.Range(0, count).Select(i => i % 3).ToArray(),
            Enumerable.Range(0, count).Select(i => $"s{i}").ToArray());
    }

    [Fact]
    public void Eval_TakesTheCentreWindowUnchanged()
    {
        var set = Ramp();
        var asm = new BatchAssembler(set, 8, InputNormalization.None);
        var batch = asm.CreateBatch(4, 3);
        asm.Fill([3, 1], batch, null, null);
        Assert.Equal(2, batch.Size);
        Assert.Equal([0, 1], batch.LabelSpan.ToArray());
        for (int c = 0; c < C; c++)
            for (int m = 0; m < M; m++)
                for (int t = 0; t < 8; t++)
                    Assert.Equal(3000 + 100 * c + 10 * m + t + 2, batch.Inputs[(c * M + m) * 8 + t]); // start (12 − 8)/2 = 2
    }

    [Fact]
    public void Augment_CropShiftAndGain_MoveValuesWithoutChangingThem()
    {
        var set = Ramp();
        var asm = new BatchAssembler(set, 8, InputNormalization.None);
        var batch = asm.CreateBatch(4, 3);
        var aug = new AugmentationOptions { TimeShiftFrames = 3, GainDb = 6 };
        var rng = new Rng(5);
        for (int trial = 0; trial < 20; trial++)
        {
            asm.Fill([2], batch, aug, rng);
            // Every row is a rotation of a contiguous window of the source row, plus one gain shared by the segment.
            float gain = float.NaN;
            for (int r = 0; r < C * M; r++)
            {
                var row = batch.Inputs.AsSpan(r * 8, 8).ToArray();
                float baseValue = 2000 + 100 * (r / M) + 10 * (r % M);
                int argMin = Array.IndexOf(row, row.Min());
                float start = row[argMin] - baseValue; // frame index + gain
                for (int t = 0; t < 8; t++)
                    Assert.Equal(start + t, row[(argMin + t) % 8] - baseValue, 3);
                float g = start - MathF.Round(start);
                if (float.IsNaN(gain)) gain = g; else Assert.Equal(gain, g, 3);
            }
            Assert.InRange(gain, -6f, 6f);
        }
    }

    [Fact]
    public void Masks_ZeroWholeBandsAndFrameRanges_AfterNormalisation()
    {
        var set = Ramp(1);
        var norm = InputNormalization.Compute(NormalizationMode.PerMel, set.Data, 1, C, M, F);
        var asm = new BatchAssembler(set, F, norm);
        var batch = asm.CreateBatch(1, 3);
        var aug = new AugmentationOptions { RandomCrop = false, FrequencyMasks = 1, FrequencyMaskWidth = 2, TimeMasks = 1, TimeMaskWidth = 3 };
        var rng = new Rng(11);
        int sawBand = 0, sawFrames = 0;
        for (int trial = 0; trial < 30; trial++)
        {
            asm.Fill([0], batch, aug, rng);
            var x = batch.Inputs.AsSpan(0, asm.SegmentLength).ToArray();
            // A normalised ramp row is never exactly 0 except at masked places (F is even, so no centre value).
            var zeroRows = Enumerable.Range(0, M).Where(m => Enumerable.Range(0, C).All(c => x.AsSpan((c * M + m) * F, F).IndexOfAnyExcept(0f) < 0)).ToList();
            var zeroCols = Enumerable.Range(0, F).Where(t => Enumerable.Range(0, C * M).All(r => x[r * F + t] == 0)).ToList();
            Assert.InRange(zeroRows.Count, 0, 2);
            Assert.InRange(zeroCols.Count, 0, M <= 2 ? F : 3);
            if (zeroRows.Count > 0) { sawBand++; Assert.Equal(zeroRows.Count - 1, zeroRows[^1] - zeroRows[0]); }
            if (zeroCols.Count > 0) { sawFrames++; Assert.Equal(zeroCols.Count - 1, zeroCols[^1] - zeroCols[0]); }
        }
        Assert.True(sawBand > 5 && sawFrames > 5, $"{sawBand} band masks, {sawFrames} time masks in 30 draws");
    }

    [Fact]
    public void Mixup_BlendsPairsAndTheirTargets()
    {
        var set = Ramp(4);
        var asm = new BatchAssembler(set, F, InputNormalization.None);
        var batch = asm.CreateBatch(4, 3);
        asm.Fill([0, 1, 2, 3], batch, new AugmentationOptions { RandomCrop = false, MixupAlpha = 0.4f }, new Rng(3));
        Assert.True(batch.HasSoftTargets);
        var baseline = set.Data.AsSpan(0, asm.SegmentLength).ToArray(); // segment 0: the per-element offsets
        for (int i = 0; i < 4; i++)
        {
            var t = batch.SoftTargetBuffer.AsSpan(i * 3, 3).ToArray();
            Assert.Equal(1.0, t.Sum(), 5);
            // x_i = λ·x_i + (1 − λ)·x_j with one λ per pair: x_i − segment 0 is the same 1000·(λ·i + (1 − λ)·j) everywhere.
            var x = batch.Inputs.AsSpan(i * asm.SegmentLength, asm.SegmentLength).ToArray();
            float level = x[0] - baseline[0];
            for (int e = 0; e < x.Length; e++) Assert.Equal(level, x[e] - baseline[e], 2);
            Assert.InRange(level, 0, 3000);
            // The hard label (for accuracy) is the one with the larger weight.
            Assert.Equal(Array.IndexOf(t, t.Max()), batch.Labels[i]);
        }
    }

    [Fact]
    public void SameRngState_GivesTheSameBatch()
    {
        var set = Ramp();
        var asm = new BatchAssembler(set, 8, InputNormalization.None);
        var aug = new AugmentationOptions { TimeShiftFrames = 2, GainDb = 3, FrequencyMasks = 1, TimeMasks = 1, MixupAlpha = 0.3f };
        var rng = new Rng(9);
        var state = rng.GetState();
        var a = asm.CreateBatch(4, 3);
        var b = asm.CreateBatch(4, 3);
        asm.Fill([0, 1, 2, 3], a, aug, rng);
        var other = new Rng(0);
        other.SetState(state);
        asm.Fill([0, 1, 2, 3], b, aug, other);
        Assert.Equal(a.Inputs, b.Inputs);
        Assert.Equal(a.SoftTargetBuffer, b.SoftTargetBuffer);
        Assert.Equal(rng.GetState(), other.GetState());
    }

    [Fact]
    public void MinCropFrames_CropsEachBatchToOneRandomLength_FromContiguousWindows()
    {
        var set = Ramp();
        var asm = new BatchAssembler(set, F, InputNormalization.None);
        var batch = asm.CreateBatch(4, 3);
        var aug = new AugmentationOptions { RandomCrop = false, MinCropFrames = 7 };
        var rng = new Rng(11);
        var seen = new HashSet<int>();
        for (int trial = 0; trial < 60; trial++)
        {
            asm.Fill([0, 3], batch, aug, rng);
            int frames = batch.Frames;
            Assert.InRange(frames, 7, F);
            seen.Add(frames);
            Assert.Equal(C * M * frames, batch.SegmentLength);
            for (int b = 0; b < 2; b++)
            {
                int n = b == 0 ? 0 : 3;
                var x = batch.Inputs.AsSpan(b * batch.SegmentLength, batch.SegmentLength);
                int start = (int)x[0] - 1000 * n; // frame index of the first value
                Assert.InRange(start, 0, F - frames);
                for (int c = 0; c < C; c++)
                    for (int m = 0; m < M; m++)
                        for (int t = 0; t < frames; t++)
                            Assert.Equal(1000 * n + 100 * c + 10 * m + start + t, x[(c * M + m) * frames + t]);
            }
        }
        Assert.Equal(F - 7 + 1, seen.Count); // every length from 7 to 12 occurs
        asm.Fill([1], batch, null, null);
        Assert.Equal(F, batch.Frames); // evaluation always sees whole segments
    }

    [Fact]
    public void LowPass_AttenuatesOnlyBandsAboveTheCutOff_FlooredAtTopDb()
    {
        // Bands at 500 Hz … 8 kHz; every value -10 dB except one loud bin at 0 dB, so the floor is -80 dB.
        double[] hz = [500, 1000, 2000, 4000, 6000, 8000];
        const int mels = 6;
        var data = Enumerable.Repeat(-10f, mels * F).ToArray();
        data[0] = 0f;
        var set = new SegmentSet(data, 1, 1, mels, F, [0], ["s"]) { BandFrequencies = hz };
        var asm = new BatchAssembler(set, F, InputNormalization.None);
        var batch = asm.CreateBatch(1, 3);
        var aug = new AugmentationOptions { RandomCrop = false, LowPassProbability = 1, LowPassMinHz = 3000, LowPassMaxHz = 3000, LowPassDbPerOctave = 60 };
        asm.Fill([0], batch, aug, new Rng(1));
        for (int m = 0; m < mels; m++)
        {
            double expected = hz[m] <= 3000 ? -10 : Math.Max(-10 - 60 * Math.Log2(hz[m] / 3000), -80);
            Assert.Equal(expected, batch.Inputs[m * F + 1], 3);
        }
        Assert.Equal(-80f, batch.Inputs[5 * F + 1], 3); // 8 kHz: 85 dB down, held at the floor
    }

    [Fact]
    public void LevelAndKeptBands_MatchWhatThePredictorApplies()
    {
        var set = Ramp();
        var asm = new BatchAssembler(set, F, InputNormalization.None, LevelNormalization.WindowMax, keptBands: 3);
        var batch = asm.CreateBatch(4, 3);
        asm.Fill([2], batch, null, null);
        var expected = set.Segment(2).ToArray();
        LevelNormalizer.Apply(LevelNormalization.WindowMax, 3, expected, C, M, F);
        Assert.Equal(expected, batch.Inputs.AsSpan(0, batch.SegmentLength).ToArray());
        Assert.Equal(0f, expected.Max());
    }

    [Fact]
    public void Mfcc_IsTakenAfterLevelAndBeforeInputNormalisation_AndMasksCoverCoefficients()
    {
        var set = Ramp();
        var mfcc = new MfccInput(M, 3);
        var norm = new InputNormalization(NormalizationMode.PerMel, [1f, 2f, 3f, 4f, 5f, 6f], [2f, 2f, 2f, 4f, 4f, 4f]);
        var asm = new BatchAssembler(set, F, norm, LevelNormalization.WindowMax, keptBands: 4, mfcc);
        Assert.Equal(C * 3 * F, asm.SegmentLength);
        var batch = asm.CreateBatch(4, 3);
        asm.Fill([1, 2], batch, null, null);
        for (int i = 0; i < 2; i++)
        {
            var levelled = set.Segment(1 + i).ToArray();
            LevelNormalizer.Apply(LevelNormalization.WindowMax, 4, levelled, C, M, F);
            var expected = new float[C * 3 * F];
            mfcc.Apply(levelled, C, F, expected);
            norm.Apply(expected, C, 3, F);
            Assert.Equal(expected, batch.Inputs.AsSpan(i * asm.SegmentLength, asm.SegmentLength).ToArray());
        }

        // Training masks work on the network's rows: a frequency mask zeroes the same coefficient rows of both channels
        // (striding by the 5 mel bands instead would zero rows of the other channel or of the next segment).
        var masked = new BatchAssembler(set, F, InputNormalization.None, mfcc: mfcc);
        var mb = masked.CreateBatch(4, 3);
        masked.Fill([0, 1, 2, 3], mb, new AugmentationOptions { FrequencyMasks = 2, FrequencyMaskWidth = 3 }, new Rng(3));
        int zeroed = 0;
        for (int n = 0; n < 4; n++)
        {
            int at = n * mb.SegmentLength;
            bool Zero(int c, int k) => !mb.Inputs.AsSpan(at + (c * 3 + k) * F, F).ContainsAnyExcept(0f);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(Zero(0, k), Zero(1, k));
                if (Zero(0, k)) zeroed++;
            }
        }
        Assert.True(zeroed > 0, "no mask drawn: the test would prove nothing");
    }

    [Fact]
    public void PitchShift_MovesWholeBandsAndRepeatsTheEdgeBand()
    {
        // Ramp values are 1000·segment + 100·channel + 10·mel + frame: after a shift of s bands, mel m holds mel m − s
        // (clamped to the edge) of the same channel and frame. Many draws, so both directions and 0 occur.
        var set = Ramp();
        var asm = new BatchAssembler(set, F, InputNormalization.None);
        var batch = asm.CreateBatch(1, 3);
        var aug = new AugmentationOptions { RandomCrop = false, PitchShiftBands = 2 };
        var rng = new Rng(5);
        var seen = new HashSet<int>();
        for (int draw = 0; draw < 40; draw++)
        {
            asm.Fill([1], batch, aug, rng);
            // The shift is read from mel 2 of channel 0, frame 0 (never clamped for |s| ≤ 2): it holds mel 2 − s.
            int shift = 2 - (int)((batch.Inputs[2 * F] - 1000) / 10);
            Assert.InRange(shift, -2, 2);
            seen.Add(shift);
            for (int c = 0; c < C; c++)
                for (int m = 0; m < M; m++)
                    for (int t = 0; t < F; t++)
                        Assert.Equal(1000 + 100 * c + 10 * Math.Clamp(m - shift, 0, M - 1) + t, batch.Inputs[(c * M + m) * F + t]);
        }
        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public void TimeStretch_ReadsMoreOrFewerSourceFrames_LinearlyInterpolated()
    {
        // Ramp values rise by 1 per frame, so a stretched row is an arithmetic sequence whose step is the rate r
        // (source frames per output frame): every row of a segment has the same step and start frame, the source span
        // is a whole number of frames within the rate bounds (clamped to what the 12-frame segment holds), and both
        // faster and slower draws occur.
        var set = Ramp();
        const int frames = 8;
        var asm = new BatchAssembler(set, frames, InputNormalization.None);
        var batch = asm.CreateBatch(1, 3);
        var aug = new AugmentationOptions { RandomCrop = false, TimeStretch = 0.5f };
        var rng = new Rng(11);
        bool faster = false, slower = false;
        for (int draw = 0; draw < 60; draw++)
        {
            asm.Fill([1], batch, aug, rng);
            var x = batch.Inputs;
            float start = x[0] - 1000, step = (x[frames - 1] - x[0]) / (frames - 1);
            // span = round(frames·r) source frames ∈ [round(8/1.5), min(round(8·1.5), 12)] = [5, 12], read end to end.
            float span = step * (frames - 1) + 1;
            Assert.Equal(MathF.Round(span), span, 1e-3f);
            Assert.InRange(span, 5f - 1e-3f, 12f + 1e-3f);
            Assert.InRange(start, 0f, F - 1 - step * (frames - 1) + 1e-3f);
            faster |= step > 1.05f; slower |= step < 0.95f;
            for (int c = 0; c < C; c++)
                for (int m = 0; m < M; m++)
                    for (int t = 0; t < frames; t++)
                        Assert.Equal(1000 + 100 * c + 10 * m + start + step * t, x[(c * M + m) * frames + t], 3e-3f);
        }
        Assert.True(faster && slower);
    }

    [Fact]
    public void Stretch_KeepsBothEnds_AndInterpolatesBetweenNeighbours()
    {
        float[] source = [0, 10, 30, 60];
        var output = new float[7];
        BatchAssembler.Stretch(source, output);
        Assert.Equal([0f, 5f, 10f, 20f, 30f, 45f, 60f], output);
        var shorter = new float[2];
        BatchAssembler.Stretch(source, shorter);
        Assert.Equal([0f, 60f], shorter);
    }

    [Fact]
    public void Equaliser_AddsOneSmoothBoundedCurvePerSegment_FlooredAtTopDb()
    {
        // Bands from 30 Hz to 16 kHz, all at -10 dB but one loud bin (floor -80 dB): the gain per band must be within
        // ±EqDb, the same in every frame, flat below 60 Hz and above 11 kHz, and piecewise linear in log-frequency
        // between the control points (checked through two bands between the same pair of points).
        double[] hz = [30, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12000, 16000];
        int mels = hz.Length;
        var data = Enumerable.Repeat(-10f, mels * F).ToArray();
        data[0] = 0f;
        var set = new SegmentSet(data, 1, 1, mels, F, [0], ["s"]) { BandFrequencies = hz };
        var asm = new BatchAssembler(set, F, InputNormalization.None);
        var batch = asm.CreateBatch(1, 3);
        var aug = new AugmentationOptions { RandomCrop = false, EqDb = 6, EqPoints = 2 };
        var gains = new List<double>();
        var rng = new Rng(9);
        for (int draw = 0; draw < 20; draw++)
        {
            asm.Fill([0], batch, aug, rng);
            var g = Enumerable.Range(0, mels).Select(m => (double)batch.Inputs[m * F + 1] + 10).ToArray();
            for (int m = 0; m < mels; m++)
            {
                Assert.InRange(g[m], -6.0001, 6.0001);
                for (int t = 1; t < F; t++) Assert.Equal(g[m], batch.Inputs[m * F + t] + 10, 4);
            }
            Assert.Equal(g[0], g[1], 4);                 // 30 and 50 Hz: below the first point, flat
            Assert.Equal(g[9], g[10], 4);                // 12 and 16 kHz: above the last point, flat
            // Two points (60 Hz, 11 kHz): the gain is linear in log2(f) between them.
            double x(double f) => (Math.Log2(f) - Math.Log2(60)) / (Math.Log2(11000) - Math.Log2(60));
            double slope = (g[8] - g[2]) / (x(6400) - x(100));
            Assert.Equal(g[2] + slope * (x(800) - x(100)), g[5], 3);
            gains.Add(g[5]);
        }
        Assert.True(gains.Distinct().Count() > 10, "each segment draws its own curve");
    }
}
