using System.Diagnostics;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Builds network inputs from segments: crop to the network's frame count, optional augmentation (see
/// <see cref="AugmentationOptions"/> for the order), and input normalisation. All randomness comes from one
/// <see cref="Rng"/> drawn in a fixed order, so a batch is a pure function of (indices, rng state).
/// </summary>
internal sealed class BatchAssembler
{
    private readonly SegmentSet _set;
    private readonly int _frames;
    private readonly InputNormalization _norm;
    private readonly float[] _row;

    /// <summary>Prepares to emit segments of <paramref name="inputFrames"/> frames (≤ the set's frames).</summary>
    public BatchAssembler(SegmentSet set, int inputFrames, InputNormalization normalization)
    {
        Debug.Assert(inputFrames >= 1 && inputFrames <= set.Frames);
        _set = set; _frames = inputFrames; _norm = normalization;
        _row = new float[set.Frames];
    }

    /// <summary>Values per emitted segment.</summary>
    public int SegmentLength => _set.Channels * _set.Mels * _frames;

    /// <summary>
    /// Fills <paramref name="batch"/> with the segments <paramref name="indices"/>. With <paramref name="augment"/> null
    /// (evaluation) the centre window is taken and nothing random happens.
    /// </summary>
    public void Fill(ReadOnlySpan<int> indices, Batch batch, AugmentationOptions? augment, Rng? rng)
    {
        Debug.Assert(augment is null || rng is not null);
        Debug.Assert(indices.Length <= batch.Labels.Length);
        batch.Size = indices.Length;
        batch.HasSoftTargets = false;
        int len = SegmentLength, rows = _set.Channels * _set.Mels;
        for (int b = 0; b < indices.Length; b++)
        {
            var src = _set.Segment(indices[b]);
            var dst = batch.Inputs.AsSpan(b * len, len);
            batch.Labels[b] = _set.Labels[indices[b]];
            // 1. Window: random start (train, RandomCrop) or centre.
            int spare = _set.Frames - _frames;
            int start = augment is { RandomCrop: true } && spare > 0 ? rng!.NextInt(spare + 1) : spare / 2;
            // 2. Circular time shift within the window, and gain in dB (additive on log-mel).
            int shift = augment is { TimeShiftFrames: > 0 } ? rng!.NextInt(-augment.TimeShiftFrames, augment.TimeShiftFrames) : 0;
            float gain = augment is { GainDb: > 0 } ? rng!.NextSymmetric(augment.GainDb) : 0f;
            shift = ((shift % _frames) + _frames) % _frames;
            for (int r = 0; r < rows; r++)
            {
                var window = src.Slice(r * _set.Frames + start, _frames);
                var outRow = dst.Slice(r * _frames, _frames);
                // outRow[(t + shift) mod frames] = window[t]: two block copies instead of a modulo per element.
                window[..(_frames - shift)].CopyTo(outRow[shift..]);
                window[(_frames - shift)..].CopyTo(outRow[..shift]);
                if (gain != 0) foreach (ref float v in outRow) v += gain;
            }
            // 3. Normalise, then mask (0 = the training mean after normalisation).
            _norm.Apply(dst, _set.Channels, _set.Mels, _frames);
            if (augment is not null) Mask(dst, augment, rng!);
        }
        // 4. Mixup across the batch.
        if (augment is { MixupAlpha: > 0 } && indices.Length > 1) Mixup(batch, augment.MixupAlpha, rng!);
    }

    private void Mask(Span<float> segment, AugmentationOptions a, Rng rng)
    {
        int mels = _set.Mels;
        for (int m = 0; m < a.FrequencyMasks; m++)
        {
            int width = rng.NextInt(0, Math.Min(a.FrequencyMaskWidth, mels));
            int f0 = rng.NextInt(0, mels - width);
            for (int c = 0; c < _set.Channels; c++)
                segment.Slice((c * mels + f0) * _frames, width * _frames).Clear();
        }
        for (int m = 0; m < a.TimeMasks; m++)
        {
            int width = rng.NextInt(0, Math.Min(a.TimeMaskWidth, _frames));
            int t0 = rng.NextInt(0, _frames - width);
            for (int r = 0; r < _set.Channels * mels; r++) segment.Slice(r * _frames + t0, width).Clear();
        }
    }

    private void Mixup(Batch batch, float alpha, Rng rng)
    {
        // λ ~ Beta(α, α) for the whole batch; partner j = perm[i]; x_i ← λ·x_i + (1 − λ)·x_j; the soft target is
        // λ·onehot(y_i) + (1 − λ)·onehot(y_j); the hard label is the one with the larger weight (for accuracy).
        int n = batch.Size, len = SegmentLength, k = batch.Classes;
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
