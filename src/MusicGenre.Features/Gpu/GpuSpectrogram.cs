using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Kernels.Spectral;

namespace MusicGenre.Features.Gpu;

/// <summary>
/// Log-mel spectrogram on an ILGPU accelerator: framing + window → batched Stockham FFT (every frame at once) → power
/// → mel projection → power_to_db with the top_db floor over the whole clip (or per segment) → MFCC (DCT-II). Within a
/// launch all intermediate data stays on the device; a clip of more frames than one launch holds is done in blocks (see
/// <see cref="Compute"/>).
/// </summary>
/// <remarks>Kernels, window, twiddles and filterbank are loaded once per instance. Not thread-safe.</remarks>
/// <example><code>
/// using var device = GpuDevice.Open(DeviceKind.Cuda)!;
/// using var gpu = new GpuSpectrogram(device.Accelerator, settings);
/// GpuSpectrogramResult r = gpu.Compute(samples);   // r.LogMel is [n_mels, frames]
/// </code></example>
internal sealed class GpuSpectrogram : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly GpuSpectrogramSettings _settings;
    private readonly GpuFft _fft;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _window, _basis;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _dctBasis;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _bandStart, _bandEnd;
    private readonly DeviceScratch _scratch;

    // Scratch slots (float): the samples, the FFT's two ping-pong pairs, mel power, dB, MFCC, row and segment maxima.
    private const int SlotSamples = 0, SlotRe = 1, SlotIm = 2, SlotScratchRe = 3, SlotScratchIm = 4, SlotMel = 5, SlotDb = 6,
        SlotMfcc = 7, SlotRowMax = 8, SlotSegmentMax = 9;

    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FrameParams, int> _frame;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> _power;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, MelParams, int> _mel;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> _rowMax;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MelParams, int> _db;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MelParams, int, int> _dct;

    /// <summary>Uploads the plan (window, twiddles, filterbank) and loads the kernels.</summary>
    /// <exception cref="ArgumentException">Invalid settings (all problems listed).</exception>
    public GpuSpectrogram(Accelerator accelerator, GpuSpectrogramSettings settings)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _accelerator = accelerator;
        _settings = settings;
        // A failure part-way (device memory, kernel compilation) releases what was already allocated.
        try
        {
            _fft = new GpuFft(accelerator, settings.NFft);

            // 1. Constant device data.
            var (start, end) = SpectralScalar.NonZeroBands(settings.MelBasis, settings.NMels, settings.NFreq);
            _window = accelerator.Allocate1D(settings.Window);
            _basis = accelerator.Allocate1D(settings.MelBasis);
            _bandStart = accelerator.Allocate1D(start);
            _bandEnd = accelerator.Allocate1D(end);
            _dctBasis = settings.Dct is null ? null : accelerator.Allocate1D(settings.Dct);
            _scratch = new DeviceScratch(accelerator);

            // 2. Kernels (compiled once per accelerator by ILGPU's cache).
            _frame = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FrameParams, int>(SpectralKernels.FrameWindow);
            _power = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(SpectralKernels.Power);
            _mel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, MelParams, int>(SpectralKernels.MelProject);
            _rowMax = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(SpectralKernels.RowMax);
            _db = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MelParams, int>(SpectralKernels.PowerToDb);
            _dct = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MelParams, int, int>(SpectralKernels.Dct);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The settings this instance was built with.</summary>
    public GpuSpectrogramSettings Settings => _settings;

    /// <summary>Framing of a signal of <paramref name="length"/> samples.</summary>
    /// <exception cref="ArgumentException">The signal is shorter than one frame / segment, or too short to reflect-pad.</exception>
    public FrameParams Framing(int length)
    {
        var s = _settings;
        int segLength = s.SegmentLength > 0 ? s.SegmentLength : length;
        if (length < 1 || length < segLength)
            throw new ArgumentException($"signal: {length} samples is shorter than one segment of {segLength}.", "signal");
        int segments = s.SegmentLength > 0 ? 1 + (length - segLength) / s.SegmentHop : 1;
        if (s.SegmentCount > 0)
        {
            if (segments < s.SegmentCount)
                throw new ArgumentException($"signal: {length} samples hold {segments} segments; {s.SegmentCount} are required.", "signal");
            segments = s.SegmentCount;
        }
        int pad = s.Center ? s.NFft / 2 : 0;
        if (s.Center && s.ReflectPad && pad >= segLength)
            throw new ArgumentException($"signal: reflect padding of {pad} needs more than {segLength} samples per segment.", "signal");
        long padded = (long)segLength + 2L * pad;
        if (padded < s.NFft)
            throw new ArgumentException($"signal: {segLength} samples (padded {padded}) is shorter than n_fft {s.NFft}.", "signal");
        int frames = checked((int)(1 + (padded - s.NFft) / s.Hop));
        return new FrameParams(s.NFft, s.Hop, pad, s.ReflectPad ? FrameParams.PadReflect : FrameParams.PadConstant,
            segLength, s.SegmentLength > 0 ? s.SegmentHop : 0, segments, frames);
    }

    /// <summary>The full complex STFT, frame-major <c>[frames, NFft]</c> (re, im), for tests and diagnostics.</summary>
    public (float[] Re, float[] Im, FrameParams Framing) Stft(ReadOnlySpan<float> signal)
    {
        FrameParams p = Framing(signal.Length);
        var (outRe, outIm, _) = RunFft(_scratch.Upload(signal, SlotSamples), p);
        return (DeviceScratch.Download(outRe), DeviceScratch.Download(outIm), p);
    }

    /// <summary>
    /// Mel power, log-mel and MFCC of <paramref name="signal"/> (float32 mono at the preset's rate). Device memory does
    /// not grow with the clip's length: a launch holds at most <see cref="GpuSpectrogramSettings.MaxFramesPerLaunch"/>
    /// frames, or one whole segment when a segment alone has more (segmented presets: as many whole segments per launch
    /// as fit; one long segment: blocks of frames, their mel power copied to the host, then dB and MFCC block by block
    /// against the clip's maximum in a second pass). The host holds the input and the result. The result is the same,
    /// bit for bit, for any block size.
    /// </summary>
    /// <exception cref="ArgumentException">The signal is too short for one frame.</exception>
    public GpuSpectrogramResult Compute(ReadOnlySpan<float> signal) => ComputeFramed(signal, Framing(signal.Length));

    /// <summary>
    /// Mel power, log-mel and MFCC of <paramref name="count"/> clips of equal length laid end to end in
    /// <paramref name="clips"/>: the same values, bit for bit, as <see cref="Compute(ReadOnlySpan{float})"/> of each clip
    /// alone (each clip is padded on its own and has its own dB reference and floor), but many clips share a launch —
    /// as many whole clips as <see cref="GpuSpectrogramSettings.MaxFramesPerLaunch"/> holds. The result's segments are
    /// the clips: <c>[count, NMels, frames]</c>. Only for whole-clip (unsegmented) settings.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="count"/> &lt; 1, the length is not a multiple of it, the
    /// settings are segmented, or a clip is too short for one frame.</exception>
    public GpuSpectrogramResult ComputeBatch(ReadOnlySpan<float> clips, int count)
    {
        if (count < 1 || clips.Length % count != 0)
            throw new ArgumentException($"clips: {clips.Length} samples cannot hold {count} clips of equal length.", nameof(clips));
        if (_settings.SegmentLength > 0)
            throw new ArgumentException("clips: batches need whole-clip settings (SegmentLength = 0); these are segmented.", nameof(clips));
        int length = clips.Length / count;
        FrameParams one = Framing(length);
        if (count > 1 && one.FramesPerSegment > _settings.MaxFramesPerLaunch)
        {
            // A clip longer than a launch: one at a time, block by block.
            var results = new GpuSpectrogramResult[count];
            for (int c = 0; c < count; c++) results[c] = ComputeFramed(clips.Slice(c * length, length), one);
            return GpuSpectrogramResult.Concat(results);
        }
        return ComputeFramed(clips, new FrameParams(one.NFft, one.Hop, one.PadLeft, one.PadMode, length, length, count, one.FramesPerSegment));
    }

    private GpuSpectrogramResult ComputeFramed(ReadOnlySpan<float> signal, FrameParams p)
    {
        var s = _settings;
        int fps = p.FramesPerSegment;
        long segmentSize = (long)s.NMels * fps;
        var melOut = new float[p.Segments * segmentSize];
        var dbOut = new float[melOut.Length];
        float[]? mfccOut = _dctBasis is null ? null : new float[(long)p.Segments * s.NMfcc * fps];

        if (p.Segments > 1 || fps <= s.MaxFramesPerLaunch)
        {
            // Segments are independent (each has its own dB reference and floor): as many whole segments per launch as fit.
            int group = Math.Max(1, s.MaxFramesPerLaunch / fps);
            for (int first = 0; first < p.Segments; first += group)
            {
                int n = Math.Min(group, p.Segments - first);
                var block = new FrameParams(p.NFft, p.Hop, p.PadLeft, p.PadMode, p.SegmentLength, p.SegmentHop, n, fps);
                var samples = signal.Slice(checked(first * p.SegmentHop), checked((n - 1) * p.SegmentHop + p.SegmentLength));
                MelParams mp = DbParams(fps, n);
                var mel = MelPower(samples, block);
                var db = _scratch.Get<float>(mel.Length, SlotDb);
                RunDb(mel, db, mp);
                mel.CopyToCPU(melOut.AsSpan((int)(first * segmentSize), (int)mel.Length));
                db.CopyToCPU(dbOut.AsSpan((int)(first * segmentSize), (int)db.Length));
                RunDct(db, mp)?.CopyTo(mfccOut!, (long)first * s.NMfcc * fps);
            }
        }
        else
        {
            ComputeLongSegment(signal, p, melOut, dbOut, mfccOut);
        }
        return new GpuSpectrogramResult(melOut, dbOut, mfccOut, p.Segments, s.NMels, fps);
    }

    // One segment (the whole clip) of more frames than a launch may hold: 1. mel power block by block, each block's
    // samples cut from the (virtually) padded clip on the host, so every frame of the block lies inside it; 2. the clip's
    // maximum; 3. dB and MFCC of each block against that maximum. Frame t of block f0 reads padded position t·hop + i, as
    // the one-launch path does, so the values are identical.
    private void ComputeLongSegment(ReadOnlySpan<float> signal, FrameParams p, float[] melOut, float[] dbOut, float[]? mfccOut)
    {
        var s = _settings;
        int fps = p.FramesPerSegment, most = s.MaxFramesPerLaunch;
        var samples = new float[(long)(most - 1) * p.Hop + p.NFft];
        float max = float.NegativeInfinity;
        for (int f0 = 0; f0 < fps; f0 += most)
        {
            int n = Math.Min(most, fps - f0);
            int length = (n - 1) * p.Hop + p.NFft;
            for (int j = 0; j < length; j++)
            {
                // Sample index in the segment (the clip's first SegmentLength samples; may lie in the padding). Samples
                // after the segment are never read, as in the one-launch kernel.
                long at = (long)f0 * p.Hop + j - p.PadLeft;
                if (at >= 0 && at < p.SegmentLength) samples[j] = signal[(int)at];
                else if (p.PadMode == FrameParams.PadReflect) samples[j] = signal[(int)(at < 0 ? -at : 2L * (p.SegmentLength - 1) - at)];
                else samples[j] = 0f;
            }
            float[] block = DeviceScratch.Download(MelPower(samples.AsSpan(0, length), new FrameParams(p.NFft, p.Hop, 0, FrameParams.PadConstant, length, 0, 1, n)));
            for (int m = 0; m < s.NMels; m++)
            {
                var row = block.AsSpan(m * n, n);
                row.CopyTo(melOut.AsSpan(m * fps + f0, n));
                foreach (float v in row) max = Math.Max(max, v);
            }
        }

        var reference = _scratch.Upload<float>([max], SlotSegmentMax);
        var melBlock = new float[(long)s.NMels * Math.Min(most, fps)];
        for (int f0 = 0; f0 < fps; f0 += most)
        {
            int n = Math.Min(most, fps - f0);
            for (int m = 0; m < s.NMels; m++) melOut.AsSpan(m * fps + f0, n).CopyTo(melBlock.AsSpan(m * n, n));
            MelParams mp = DbParams(n, 1);
            var mel = _scratch.Upload<float>(melBlock.AsSpan(0, s.NMels * n), SlotMel);
            var db = _scratch.Get<float>(mel.Length, SlotDb);
            _db(T(mel.Length), mel, reference, db, mp, T(mel.Length));
            Scatter(DeviceScratch.Download(db), s.NMels, n, dbOut, fps, f0);
            if (RunDct(db, mp) is { } mfcc) Scatter(mfcc, s.NMfcc, n, mfccOut!, fps, f0);
        }
    }

    // Rows of a [rows, n] block into columns f0.. of a [rows, fps] array.
    private static void Scatter(float[] block, int rows, int n, float[] into, int fps, int f0)
    {
        for (int r = 0; r < rows; r++) block.AsSpan(r * n, n).CopyTo(into.AsSpan(r * fps + f0, n));
    }

    // Framing, window, FFT, power and mel projection of `samples` framed by `p`: mel power [Segments, NMels, frames per
    // segment] in the mel scratch slot. Device memory: four FFT buffers of TotalFrames·NFft floats (kept for the next call).
    private ArrayView<float> MelPower(ReadOnlySpan<float> samples, FrameParams p)
    {
        var s = _settings;
        int frames = p.TotalFrames;

        // 1. Framing, window and FFT of every frame.
        var (outRe, outIm, spare) = RunFft(_scratch.Upload(samples, SlotSamples), p);

        // 2. Power of the one-sided spectrum, [frames, nFreq], into the ping-pong buffer the result is not in.
        var power = spare;
        _power(T((long)s.NFreq * frames), outRe, outIm, power, s.NFft, s.NFreq, frames, T((long)s.NFreq * frames));

        // 3. Mel projection into [segments, mels, frames per segment].
        var mel = _scratch.Get<float>((long)frames * s.NMels, SlotMel);
        _mel(T((long)s.NMels * frames), power, _basis.View, _bandStart.View, _bandEnd.View, mel, DbParams(p.FramesPerSegment, p.Segments), T((long)s.NMels * frames));
        return mel;
    }

    // MFCC: the DCT of each segment's log-mel along the mel axis, [segments, NMfcc, frames]; null without a DCT.
    private float[]? RunDct(ArrayView<float> db, MelParams mp)
    {
        if (_dctBasis is null) return null;
        long count = (long)mp.Segments * _settings.NMfcc * mp.FramesPerSegment;
        var coefficients = _scratch.Get<float>(count, SlotMfcc);
        _dct(T(count), db, _dctBasis.View, coefficients, mp, _settings.NMfcc, T(count));
        return DeviceScratch.Download(coefficients);
    }

    /// <summary>
    /// power_to_db of an existing mel power array <c>[segments, NMels, frames]</c> with this instance's amin/ref/top_db
    /// (the floor and ref=max are taken per segment).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="mel"/> is empty or not a multiple of segments·NMels.</exception>
    public float[] PowerToDb(ReadOnlySpan<float> mel, int segments = 1)
    {
        var s = _settings;
        if (segments < 1 || mel.Length == 0 || mel.Length % ((long)segments * s.NMels) != 0)
            throw new ArgumentException($"mel: {mel.Length} values is not [{segments}, {s.NMels}, frames].", nameof(mel));
        int fps = mel.Length / (segments * s.NMels);
        var src = _scratch.Upload(mel, SlotMel);
        var db = _scratch.Get<float>(mel.Length, SlotDb);
        RunDb(src, db, DbParams(fps, segments));
        return DeviceScratch.Download(db);
    }

    private MelParams DbParams(int framesPerSegment, int segments)
    {
        var s = _settings;
        return new MelParams(s.NFreq, s.NMels, framesPerSegment, segments, s.Amin, 10f * MathF.Log10(Math.Max(s.Amin, s.Ref)),
            s.RefIsMax ? 1 : 0, float.IsNaN(s.TopDb) ? 0f : s.TopDb);
    }

    // Max per segment in two deterministic stages (per mel row, then per segment), then dB.
    private void RunDb(ArrayView<float> mel, ArrayView<float> db, MelParams mp)
    {
        int rows = mp.Segments * mp.NMels;
        var rowMax = _scratch.Get<float>(rows, SlotRowMax);
        var segMax = _scratch.Get<float>(mp.Segments, SlotSegmentMax);
        _rowMax(T(rows), mel, rowMax, rows, mp.FramesPerSegment, T(rows));
        _rowMax(T(mp.Segments), rowMax, segMax, mp.Segments, mp.NMels, T(mp.Segments));
        _db(T((long)mp.SegmentSize * mp.Segments), mel, segMax, db, mp, T((long)mp.SegmentSize * mp.Segments));
    }

    // Frames into the (re, im) slots, then ping-pongs the Stockham passes with the scratch pair; returns the pair
    // holding the spectrum and a real buffer of the other pair, free for the caller.
    private (ArrayView<float> Re, ArrayView<float> Im, ArrayView<float> Spare) RunFft(ArrayView<float> signal, FrameParams p)
    {
        long n = (long)p.TotalFrames * p.NFft;
        ArrayView<float> re = _scratch.Get<float>(n, SlotRe), im = _scratch.Get<float>(n, SlotIm);
        ArrayView<float> scratchRe = _scratch.Get<float>(n, SlotScratchRe), scratchIm = _scratch.Get<float>(n, SlotScratchIm);
        _frame(T(n), signal, _window.View, re, im, p, T(n));
        return _fft.Forward(re, im, scratchRe, scratchIm, p.TotalFrames) ? (scratchRe, scratchIm, re) : (re, im, scratchRe);
    }

    // Grid-stride launch size for a kernel over `total` elements.
    private int T(long total) => GridStride.Threads(_accelerator, total);

    /// <inheritdoc />
    public void Dispose()
    {
        // Each may be null only when the constructor failed before creating it.
        _window?.Dispose();
        _fft?.Dispose();
        _basis?.Dispose();
        _bandStart?.Dispose();
        _bandEnd?.Dispose();
        _dctBasis?.Dispose();
        _scratch?.Dispose();
    }
}
