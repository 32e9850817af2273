using System.Diagnostics;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Builds network inputs from segments: crop to the network's frame count (or, in training, to a random length per
/// batch), optional augmentation (see <see cref="AugmentationOptions"/> for the order), level normalisation, the MFCC
/// step of an MFCC run (<see cref="MfccInput"/>) and input normalisation. All randomness comes from one <see cref="Rng"/> drawn in a fixed order, so a batch is a pure function
/// of (indices, rng state).
/// </summary>
internal sealed class BatchAssembler
{
    private readonly SegmentSet _set;
    private readonly int _frames;
    private readonly InputNormalization _norm;
    private readonly LevelNormalization _level;
    private readonly int _keptBands;
    private readonly MfccInput? _mfcc;
    private readonly int _rows;     // rows per channel the network sees: the set's mel bands, or the MFCC count
    private readonly float[] _work; // one log-mel segment before its MFCC step (MFCC runs only)
    private readonly float[] _bandGain;
    private readonly float[] _eqGain = new float[32];
    private readonly float[] _row;
    private readonly float[] _stretched;
    private readonly float[] _read; // one segment, for a set whose values are read from a source

    /// <summary>Prepares to emit segments of at most <paramref name="inputFrames"/> frames (≤ the set's frames).</summary>
    public BatchAssembler(SegmentSet set, int inputFrames, InputNormalization normalization, LevelNormalization level = LevelNormalization.None, int keptBands = 0, MfccInput? mfcc = null)
    {
        Debug.Assert(inputFrames >= 1 && inputFrames <= set.Frames);
        Debug.Assert(mfcc is null || mfcc.Bands == set.Mels);
        _set = set; _frames = inputFrames; _norm = normalization; _level = level; _keptBands = keptBands; _mfcc = mfcc;
        _rows = mfcc?.Coefficients ?? set.Mels;
        _work = mfcc is null ? [] : new float[set.Channels * set.Mels * inputFrames];
        _bandGain = new float[set.Mels];
        _row = new float[set.Mels];
        _stretched = new float[inputFrames];
        _read = set.ReadBuffer();
    }

    /// <summary>Values per emitted segment of full length.</summary>
    public int SegmentLength => _set.Channels * _rows * _frames;

    /// <summary>A batch whose buffers fit <paramref name="capacity"/> full-length segments.</summary>
    public Batch CreateBatch(int capacity, int classes) => new(capacity, _set.Channels * _rows, _frames, classes);

    /// <summary>
    /// Fills <paramref name="batch"/> with the segments <paramref name="indices"/>. With <paramref name="augment"/> null
    /// (evaluation) the centre window of full length is taken and nothing random happens.
    /// </summary>
    public void Fill(ReadOnlySpan<int> indices, Batch batch, AugmentationOptions? augment, Rng? rng)
    {
        Debug.Assert(augment is null || rng is not null);
        Debug.Assert(indices.Length <= batch.Labels.Length);
        batch.Size = indices.Length;
        batch.HasSoftTargets = false;
        // 0. This batch's frame count: the full input, or (training, MinCropFrames) uniform in [min, full].
        int frames = augment is { MinCropFrames: > 0 } && augment.MinCropFrames < _frames ? rng!.NextInt(augment.MinCropFrames, _frames) : _frames;
        batch.Frames = frames;
        int len = batch.SegmentLength, rows = _set.Channels * _set.Mels;
        for (int b = 0; b < indices.Length; b++)
        {
            var src = _set.Segment(indices[b], _read);
            var dst = batch.Inputs.AsSpan(b * len, len);
            // Steps 1–3 work on the log-mel: in the batch slot itself, or for an MFCC run in _work until its MFCC step.
            var logMel = _mfcc is null ? dst : _work.AsSpan(0, rows * frames);
            batch.Labels[b] = _set.Labels[indices[b]];
            // 1. Window: `span` source frames (the output's frames, or round(frames·r) with a time stretch), random start
            //    (train, RandomCrop or a shortened crop) or centre.
            int span = frames;
            if (augment is { TimeStretch: > 0 })
            {
                double logMax = Math.Log(1 + augment.TimeStretch);
                span = Math.Clamp((int)Math.Round(frames * Math.Exp(rng!.NextSymmetric((float)logMax))), 2, _set.Frames);
            }
            int spare = _set.Frames - span;
            bool random = augment is not null && (augment.RandomCrop || frames < _frames || span != frames);
            int start = random && spare > 0 ? rng!.NextInt(spare + 1) : spare / 2;
            // 2. Circular time shift within the window, and gain in dB (additive on log-mel).
            int shift = augment is { TimeShiftFrames: > 0 } ? rng!.NextInt(-augment.TimeShiftFrames, augment.TimeShiftFrames) : 0;
            float gain = augment is { GainDb: > 0 } ? rng!.NextSymmetric(augment.GainDb) : 0f;
            shift = ((shift % frames) + frames) % frames;
            for (int r = 0; r < rows; r++)
            {
                var window = src.Slice(r * _set.Frames + start, span);
                if (span != frames) window = Stretch(window, _stretched.AsSpan(0, frames));
                var outRow = logMel.Slice(r * frames, frames);
                // outRow[(t + shift) mod frames] = window[t]: two block copies instead of a modulo per element.
                window[..(frames - shift)].CopyTo(outRow[shift..]);
                window[(frames - shift)..].CopyTo(outRow[..shift]);
                if (gain != 0) foreach (ref float v in outRow) v += gain;
            }
            // 3. Pitch shift along the mel axis, spectral colour (low-pass, tilt, equaliser), then level and input
            //    normalisation, then masks (0 = the training mean).
            if (augment is { PitchShiftBands: > 0 }) ShiftBands(logMel, frames, rng!.NextInt(-augment.PitchShiftBands, augment.PitchShiftBands));
            if (augment is { NeedsBandFrequencies: true }) Colour(logMel, frames, augment, rng!);
            LevelNormalizer.Apply(_level, _keptBands, logMel, _set.Channels, _set.Mels, frames);
            _mfcc?.Apply(logMel, _set.Channels, frames, dst);
            _norm.Apply(dst, _set.Channels, _rows, frames);
            if (augment is not null) Mask(dst, frames, augment, rng!);
        }
        // 4. Mixup across the batch.
        if (augment is not null && augment.Blends(indices.Length)) Mixup(batch, augment.MixupAlpha, rng!);
    }

    /// <summary>
    /// Resamples one row linearly to <paramref name="output"/>'s length, first and last values kept: output t reads the
    /// source at position t·(n − 1)/(frames − 1).
    /// </summary>
    internal static ReadOnlySpan<float> Stretch(ReadOnlySpan<float> source, Span<float> output)
    {
        int frames = output.Length, last = source.Length - 1;
        if (frames == 1) { output[0] = source[0]; return output; }
        double step = (double)last / (frames - 1);
        for (int t = 0; t < frames; t++)
        {
            double x = t * step;
            int i = Math.Min((int)x, last - 1);
            float w = (float)(x - i);
            output[t] = source[i] + w * (source[i + 1] - source[i]);
        }
        return output;
    }

    /// <summary>
    /// Moves one segment <c>[channels, mels, frames]</c> by <paramref name="shift"/> mel bands (positive = up): band m takes
    /// band m − shift, the bands that come in from an edge repeat the edge band.
    /// </summary>
    private void ShiftBands(Span<float> segment, int frames, int shift)
    {
        if (shift == 0) return;
        int mels = _set.Mels;
        // Per frame column: gather the shifted column into _row, then write it back (one column of mels values at a time,
        // strided by frames in the [mels, frames] layout).
        for (int c = 0; c < _set.Channels; c++)
        {
            var plane = segment.Slice(c * mels * frames, mels * frames);
            for (int t = 0; t < frames; t++)
            {
                for (int m = 0; m < mels; m++) _row[m] = plane[Math.Clamp(m - shift, 0, mels - 1) * frames + t];
                for (int m = 0; m < mels; m++) plane[m * frames + t] = _row[m];
            }
        }
    }

    /// <summary>
    /// Adds a per-band gain in dB to one segment <c>[channels, mels, frames]</c>: a spectral tilt around 1 kHz, a
    /// steep low-pass and/or a random equaliser curve, as a filter would on the audio. A filter cannot push a band below the noise floor that top_db
    /// already set, so values are floored at (segment maximum − 80 dB), as power_to_db would have done.
    /// </summary>
    private void Colour(Span<float> segment, int frames, AugmentationOptions a, Rng rng)
    {
        var hz = _set.BandFrequencies ?? throw new InvalidOperationException("low-pass/tilt augmentation needs the mel bands' frequencies");
        // 1. Draw (always in this order, so the stream does not depend on the outcome): tilt, low-pass yes/no, cut-off,
        //    then the equaliser's gains at its control points.
        float tilt = a.TiltDbPerOctave > 0 ? rng.NextSymmetric(a.TiltDbPerOctave) : 0f;
        bool lowPass = a.LowPassProbability > 0 && rng.NextDouble() < a.LowPassProbability;
        double cutoff = a.LowPassProbability > 0 ? a.LowPassMinHz * Math.Pow(a.LowPassMaxHz / a.LowPassMinHz, rng.NextDouble()) : 0;
        bool eq = a.EqDb > 0;
        for (int p = 0; eq && p < a.EqPoints; p++) _eqGain[p] = rng.NextSymmetric(a.EqDb);
        if (tilt == 0 && !lowPass && !eq) return;
        // 2. Gain per band: tilt·log2(f / 1 kHz) (bands below 20 Hz count as 20 Hz), minus slope·log2(f / cut-off) above
        //    the cut-off, plus the equaliser curve: control point p sits at log2(60 Hz) + p·step, step spanning 60 Hz–11 kHz.
        double eqLo = Math.Log2(EqLowHz), eqStep = (Math.Log2(EqHighHz) - eqLo) / (a.EqPoints - 1);
        for (int m = 0; m < _set.Mels; m++)
        {
            double f = Math.Max(hz[m], 20.0), g = tilt * Math.Log2(f / 1000.0);
            if (lowPass && f > cutoff) g -= a.LowPassDbPerOctave * Math.Log2(f / cutoff);
            if (eq)
            {
                double x = Math.Clamp((Math.Log2(f) - eqLo) / eqStep, 0, a.EqPoints - 1);
                int p = Math.Min((int)x, a.EqPoints - 2);
                double w = x - p;
                g += (1 - w) * _eqGain[p] + w * _eqGain[p + 1];
            }
            _bandGain[m] = (float)g;
        }
        // 3. Apply, floored at the segment's top_db floor.
        float floor = float.NegativeInfinity;
        foreach (float v in segment) floor = Math.Max(floor, v);
        floor -= LevelNormalizer.TopDb;
        for (int c = 0; c < _set.Channels; c++)
            for (int m = 0; m < _set.Mels; m++)
            {
                float g = _bandGain[m];
                foreach (ref float v in segment.Slice((c * _set.Mels + m) * frames, frames)) v = Math.Max(v + g, floor);
            }
    }

    /// <summary>Frequency range of the random equaliser's control points.</summary>
    private const double EqLowHz = 60, EqHighHz = 11000;

    private void Mask(Span<float> segment, int frames, AugmentationOptions a, Rng rng)
    {
        int mels = _rows; // frequency masks cover mel bands, or MFCC coefficients in an MFCC run
        for (int m = 0; m < a.FrequencyMasks; m++)
        {
            int width = rng.NextInt(0, Math.Min(a.FrequencyMaskWidth, mels));
            int f0 = rng.NextInt(0, mels - width);
            for (int c = 0; c < _set.Channels; c++)
                segment.Slice((c * mels + f0) * frames, width * frames).Clear();
        }
        for (int m = 0; m < a.TimeMasks; m++)
        {
            int width = rng.NextInt(0, Math.Min(a.TimeMaskWidth, frames));
            int t0 = rng.NextInt(0, frames - width);
            for (int r = 0; r < _set.Channels * mels; r++) segment.Slice(r * frames + t0, width).Clear();
        }
    }

    private static void Mixup(Batch batch, float alpha, Rng rng)
    {
        // λ ~ Beta(α, α) for the whole batch; partner j = perm[i]; x_i ← λ·x_i + (1 − λ)·x_j; the soft target is
        // λ·onehot(y_i) + (1 − λ)·onehot(y_j); the hard label is the one with the larger weight (for accuracy).
        int n = batch.Size, len = batch.SegmentLength, k = batch.Classes;
        float lambda = (float)rng.NextBeta(alpha, alpha);
        var perm = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(perm.AsSpan());
        var original = batch.Inputs.AsSpan(0, n * len).ToArray();
        var labels = batch.Labels.AsSpan(0, n).ToArray();
        var targets = batch.SoftTargetBuffer.AsSpan(0, n * k);
        targets.Clear();
        for (int i = 0; i < n; i++)
        {
            var xi = batch.Inputs.AsSpan(i * len, len);
            var xj = original.AsSpan(perm[i] * len, len);
            for (int e = 0; e < len; e++) xi[e] = lambda * xi[e] + (1 - lambda) * xj[e];
            targets[i * k + labels[i]] += lambda;
            targets[i * k + labels[perm[i]]] += 1 - lambda;
            batch.Labels[i] = lambda >= 0.5f ? labels[i] : labels[perm[i]];
        }
        batch.HasSoftTargets = true;
    }
}
