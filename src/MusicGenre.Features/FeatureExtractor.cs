using System.Runtime.CompilerServices;
using System.Globalization;
using MusicGenre.Features.Fft;

namespace MusicGenre.Features;

/// <summary>
/// Computes librosa-0.10.2-exact spectral features for one <see cref="FeatureOptions"/>: STFT, mel spectrogram,
/// log-mel (power_to_db) and MFCC. The constructor validates the options and precomputes the FFT plan, window,
/// filterbank and DCT; computing allocates nothing per frame.
/// Output layout is librosa's, row-major: [n_mels, frames] (MFCC [n_mfcc, frames], STFT [1 + n_fft/2, frames]);
/// segmented options (seed_exact) give [segments, n_mels, frames].
/// </summary>
/// <remarks>Not thread-safe: an extractor owns scratch buffers. Use one per thread (construction is cheap); a call made while
/// another thread is computing with the same extractor throws <see cref="InvalidOperationException"/>.</remarks>
public sealed class FeatureExtractor
{
    private readonly FeatureOptions _o;
    private readonly RealFftPlan _fft;
    private readonly double[] _window64;
    private readonly float[] _window;
    private readonly float[] _melBasis;
    private readonly SparseMelBasis _sparse;
    private readonly float[] _dct;   // [n_mfcc, n_mels]
    private readonly float[] _frame; // [n_fft] windowed frame
    private readonly float[] _power; // [bins]
    private readonly float[] _melBatch; // [FrameBatch, n_mels] frame-major scratch
    private readonly float[]? _spectra; // [FrameLanes, FrameStride] frame-major power spectra (the frame-batch projection)
    private readonly int _pad;
    private readonly SimdWidth _width;

    /// <summary>Frames computed before their mel columns are written out together.</summary>
    private const int FrameBatch = 16;

    /// <summary>Validates <paramref name="options"/> (all problems in one <see cref="FeatureOptionsException"/>) and builds the plan.</summary>
    public FeatureExtractor(FeatureOptions options)
        : this(options, SimdWidth.V512)
    {
    }

    /// <summary>As the public constructor, limiting the FFT and the mel projection to <paramref name="fftWidth"/> (the scalar twin for tests).</summary>
    internal FeatureExtractor(FeatureOptions options, SimdWidth fftWidth)
    {
        ArgumentNullException.ThrowIfNull(options);
        _o = options.Validate();
        _fft = new RealFftPlan(_o.NFft, fftWidth);
        _window64 = SpectralWindow.Create(_o.Window, _o.EffectiveWinLength, _o.NFft);
        _window = Array.ConvertAll(_window64, w => (float)w);
        _melBasis = MelFilterbank.Create(_o);
        _sparse = new SparseMelBasis(_melBasis, _o.NMels, _o.BinCount);
        _dct = MelCepstrum.Basis(_o.NMfcc, _o.NMels);
        _frame = new float[_o.NFft];
        _power = new float[_sparse.SpectrumLength]; // the bins, then zeros the padded projection reads
        _width = fftWidth;
        _pad = _o.Center ? _o.NFft / 2 : 0;
        _melBatch = new float[FrameBatch * _o.NMels];
        if (SparseMelBasis.FramesSupported(_width))
            _spectra = new float[SparseMelBasis.FrameLanes * _sparse.FrameStride];
    }

    /// <summary>The validated options.</summary>
    public FeatureOptions Options => _o;

    /// <summary>The window as applied (float64, zero-padded centred to n_fft).</summary>
    public ReadOnlySpan<double> Window => _window64;

    /// <summary>The dense mel filterbank [n_mels, 1 + n_fft/2], row-major.</summary>
    public ReadOnlySpan<float> MelBasis => _melBasis;

    /// <summary>The DCT-II (orthonormal) matrix [n_mfcc, n_mels] used for MFCC.</summary>
    public ReadOnlySpan<float> DctBasis => _dct;

    /// <summary>Samples in one analysis block: the whole signal, or one segment when the options are segmented.</summary>
    private int BlockLength(int samples) => _o.SegmentLength ?? samples;

    /// <summary>
    /// STFT frames of a block of <paramref name="blockSamples"/> samples (the whole signal, or one segment when segmented):
    /// centred <c>1 + (len + 2·⌊n_fft/2⌋ − n_fft) / hop</c>, else <c>1 + (len − n_fft) / hop</c> (floor division).
    /// </summary>
    /// <exception cref="ArgumentException">The block yields no frame.</exception>
    public int FrameCount(int blockSamples)
    {
        long span = (long)blockSamples + 2L * _pad - _o.NFft;
        if (blockSamples <= 0 || span < 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Audio of {blockSamples} samples is too short for one frame of preset '{_o.Name}' (n_fft {_o.NFft}, center {_o.Center})."), "audio");
        return (int)(1 + span / _o.HopLength);
    }

    /// <summary>Number of segments for a signal of <paramref name="samples"/> samples (1 when not segmented).</summary>
    /// <exception cref="ArgumentException">The signal is shorter than the segments require.</exception>
    public int SegmentCount(int samples)
    {
        if (_o.SegmentLength is not { } len)
            return 1;
        int hop = _o.SegmentHop!.Value;
        int fit = samples < len ? 0 : 1 + (samples - len) / hop;
        int count = _o.SegmentCount ?? fit;
        if (count < 1 || count > fit)
        {
            long need = (long)(Math.Max(count, 1) - 1) * hop + len;
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Audio of {samples} samples is too short for preset '{_o.Name}': {Math.Max(count, 1)} segment(s) of {len} every {hop} need {need} samples."), "audio");
        }

        return count;
    }

    /// <summary>Output shape of <paramref name="kind"/> for a signal of <paramref name="samples"/> samples.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a <see cref="FeatureKind"/> (as in <see cref="Compute(FeatureKind, ReadOnlySpan{float})"/>).</exception>
    public int[] Shape(FeatureKind kind, int samples)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), $"Unknown feature kind {kind}.");
        int rows = kind == FeatureKind.Mfcc ? _o.NMfcc : _o.NMels;
        int frames = FrameCount(BlockLength(samples));
        return _o.IsSegmented ? [SegmentCount(samples), rows, frames] : [rows, frames];
    }

    /// <summary>Computes <paramref name="kind"/> of <paramref name="audio"/> into a new array shaped as <see cref="Shape"/>.</summary>
    public float[] Compute(FeatureKind kind, ReadOnlySpan<float> audio)
    {
        int[] shape = Shape(kind, audio.Length);
        long size = 1;
        foreach (int d in shape)
            size *= d;
        var dest = new float[checked((int)size)];
        Compute(kind, audio, dest);
        return dest;
    }

    /// <summary>
    /// Computes <paramref name="kind"/> of <paramref name="audio"/> (mono, at <see cref="FeatureOptions.SampleRate"/>)
    /// into <paramref name="destination"/>, row-major in the layout of <see cref="Shape"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Audio too short, a sample not finite or beyond ±10⁶, or destination too small.</exception>
    public void Compute(FeatureKind kind, ReadOnlySpan<float> audio, Span<float> destination)
    {
        using var _ = Enter();
        // 1. Validate the signal and the destination up front.
        int[] shape = Shape(kind, audio.Length);
        int segments = _o.IsSegmented ? shape[0] : 1, rows = shape[^2], frames = shape[^1];
        int block = rows * frames;
        if (destination.Length < (long)segments * block)
            throw new ArgumentException($"Destination holds {destination.Length} floats; {kind} of preset '{_o.Name}' needs {(long)segments * block} ([{string.Join(", ", shape)}]).", nameof(destination));
        CheckSamples(audio);
        if (!Enum.IsDefined(kind))
            throw new ArgumentOutOfRangeException(nameof(kind), $"Unknown feature kind {kind}.");

        // 2. One block per segment (or the whole signal), each with its own dB reference.
        float[]? logmel = kind == FeatureKind.Mfcc ? new float[_o.NMels * frames] : null;
        for (int s = 0; s < segments; s++)
        {
            ReadOnlySpan<float> x = _o.IsSegmented ? audio.Slice(s * _o.SegmentHop!.Value, _o.SegmentLength!.Value) : audio;
            Span<float> dst = destination.Slice(s * block, block);
            switch (kind)
            {
                case FeatureKind.MelSpectrogram:
                    MelBlock(x, frames, dst);
                    break;
                case FeatureKind.LogMel:
                    MelBlock(x, frames, dst);
                    PowerToDb(dst);
                    break;
                default:
                    MelBlock(x, frames, logmel);
                    PowerToDb(logmel);
                    Dct(logmel, frames, dst);
                    break;
            }
        }
    }

    /// <summary>
    /// The complex STFT (librosa.stft) of <paramref name="audio"/> as real and imaginary parts, each
    /// [1 + n_fft/2, frames] row-major. Not available for segmented options.
    /// </summary>
    /// <exception cref="ArgumentException">Audio too short, a sample not finite or beyond ±10⁶, or destinations too small.</exception>
    public void Stft(ReadOnlySpan<float> audio, Span<float> real, Span<float> imag)
    {
        if (_o.IsSegmented)
            throw new InvalidOperationException($"Preset '{_o.Name}' is segmented; compute the STFT of each segment with an unsegmented extractor.");
        using var _ = Enter();
        int frames = FrameCount(audio.Length), bins = _o.BinCount;
        if (real.Length < bins * frames || imag.Length < bins * frames)
            throw new ArgumentException($"STFT destinations need {bins * frames} floats ([{bins}, {frames}]).");
        CheckSamples(audio);
        float[] colRe = new float[bins], colIm = new float[bins];
        for (int t = 0; t < frames; t++)
        {
            BuildFrame(audio, t);
            _fft.Forward(_frame, colRe, colIm);
            for (int k = 0; k < bins; k++)
            {
                real[k * frames + t] = colRe[k];
                imag[k * frames + t] = colIm[k];
            }
        }
    }

    private int _busy;

    /// <summary>
    /// Marks the extractor in use until the returned guard is disposed. A second thread that calls in meanwhile gets an
    /// <see cref="InvalidOperationException"/> instead of features computed in scratch buffers the first one is
    /// overwriting (silently wrong numbers). One interlocked exchange a call: nothing next to a window's FFTs.
    /// </summary>
    private BusyGuard Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException("This FeatureExtractor is already computing on another thread; it owns scratch buffers, so use one extractor per thread (construction is cheap).");
        return new BusyGuard(this);
    }

    private readonly struct BusyGuard(FeatureExtractor owner) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref owner._busy, 0);
    }

    /// <summary>
    /// Refuses audio that breaks the sample rule every input follows (<see cref="SampleScan.IndexOfBadSample"/>): a NaN or
    /// ±∞ sample, or one so large (past ~10¹⁵) that the power spectrum overflows into NaN features; names the first.
    /// </summary>
    private void CheckSamples(ReadOnlySpan<float> audio)
    {
        if (SampleScan.IndexOfOutside(audio, SampleScan.MaxSample, _width) is var bad and >= 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Audio sample {bad} is {audio[bad]}; samples {SampleScan.SampleRule}."), nameof(audio));
    }

    /// <summary>
    /// Mel spectrogram of one block: window → |rFFT|^power → sparse filterbank, column t of [n_mels, frames].
    /// With AVX, 16 frames' spectra are projected at once (<see cref="SparseMelBasis.ProjectFrames"/>: frames in the
    /// lanes, each mel row's 16 columns written in one store). Otherwise columns are gathered frame-major in a
    /// [FrameBatch, n_mels] scratch and written out FrameBatch frames at a time, so each output row receives a contiguous
    /// run instead of one scattered float per frame.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private void MelBlock(ReadOnlySpan<float> x, int frames, Span<float> dst)
    {
        if (_spectra is not null)
        {
            // 16 frames' spectra, then one projection that writes them straight into 16 columns of every mel row.
            int stride = _sparse.FrameStride;
            for (int t0 = 0; t0 < frames; t0 += SparseMelBasis.FrameLanes)
            {
                int count = Math.Min(SparseMelBasis.FrameLanes, frames - t0);
                for (int b = 0; b < count; b++)
                    PowerSpectrum(x, t0 + b, _spectra.AsSpan(b * stride, _o.BinCount));
                _sparse.ProjectFrames(_spectra, count, dst[t0..], frames, _width);
            }
            return;
        }

        int nMels = _o.NMels;
        Span<float> batch = _melBatch;
        for (int t0 = 0; t0 < frames; t0 += FrameBatch)
        {
            int count = Math.Min(FrameBatch, frames - t0);
            for (int b = 0; b < count; b++)
            {
                PowerSpectrum(x, t0 + b, _power);
                _sparse.Project(_power, batch.Slice(b * nMels, nMels), 1, _width);
            }

            // Transpose the batch into the [n_mels, frames] output.
            for (int m = 0; m < nMels; m++)
            {
                Span<float> row = dst.Slice(m * frames + t0, count);
                for (int b = 0; b < count; b++)
                    row[b] = batch[b * nMels + m];
            }
        }
    }

    /// <summary>|rFFT|^power of frame t into the first n_fft/2 + 1 floats of <paramref name="power"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private void PowerSpectrum(ReadOnlySpan<float> x, int t, Span<float> power)
    {
        // Inner frames read the signal directly (window fused into the FFT's packing pass); edge frames are assembled
        // with their padding first.
        int n = _o.NFft, start = t * _o.HopLength - _pad;
        if (start >= 0 && start + n <= x.Length)
        {
            _fft.ForwardPower(x.Slice(start, n), _window, power);
        }
        else
        {
            BuildFrame(x, t);
            _fft.ForwardPower(_frame, power);
        }

        if (_o.Power == 1.0)
        {
            for (int k = 0; k < _o.BinCount; k++)
                power[k] = MathF.Sqrt(power[k]);
        }
    }

    /// <summary>
    /// Frame t of the (virtually) padded signal times the window: sample index i = t·hop − pad + j. Frames inside the
    /// signal take a vector multiply; edge frames read through <see cref="Sample"/> (zeros or numpy 'reflect').
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private void BuildFrame(ReadOnlySpan<float> x, int t)
    {
        int n = _o.NFft, start = t * _o.HopLength - _pad;
        if (start >= 0 && start + n <= x.Length)
        {
            VectorMath.Multiply(_window, x.Slice(start, n), _frame, _width);
            return;
        }

        for (int j = 0; j < n; j++)
            _frame[j] = _window[j] * Sample(x, start + j);
    }

    /// <summary>x[i] inside the signal; outside, 0 (constant) or the numpy 'reflect' mirror (edge not repeated).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private float Sample(ReadOnlySpan<float> x, int i)
    {
        if ((uint)i < (uint)x.Length)
            return x[i];
        if (_o.PadMode == PadMode.Constant)
            return 0f;
        if (x.Length == 1)
            return x[0];

        // Reflection has period 2(len − 1): fold |i| into [0, period), then mirror the upper half.
        int period = 2 * (x.Length - 1);
        int r = Math.Abs(i) % period;
        return x[r < x.Length ? r : period - r];
    }

    /// <summary>
    /// librosa.power_to_db in place over one block: 10·log10(max(S, amin)) − 10·log10(max(ref, amin)), then
    /// max(·, max − top_db) with the maximum taken over the whole block.
    /// </summary>
    private void PowerToDb(Span<float> s)
    {
        float amin = (float)_o.Amin;
        float reference = _o.DbReference == DbReference.Max ? VectorMath.Max(s) : (float)_o.RefValue;
        float offset = 10f * MathF.Log10(MathF.Max(amin, reference));
        float max = VectorMath.ToDecibels(s, amin, offset, _width);
        if (_o.TopDb is { } top)
            VectorMath.ClampBelow(s, max - (float)top, _width);
    }

    /// <summary>dst[k, t] = Σ_m dct[k, m]·logmel[m, t] (<see cref="MelCepstrum.Apply"/>: lanes along t, at this plan's width).</summary>
    private void Dct(ReadOnlySpan<float> logmel, int frames, Span<float> dst) =>
        MelCepstrum.Apply(_dct, _o.NMfcc, logmel, frames, dst, _width);
}
