using System.Collections.Concurrent;
using System.Diagnostics;

namespace MusicGenre.Audio.Resampling;

/// <summary>
/// Streaming band-limited resampler: a Kaiser-windowed sinc evaluated as a polyphase filter bank.
/// <para>
/// Design: the rate ratio is reduced to L/M (out/in). The low-pass cutoff is 0.95 of the lower Nyquist frequency with a
/// transition band of ±0.05 of it, so the stopband starts exactly at the output Nyquist when downsampling (nothing folds
/// back into the band) and the passband is flat to 0.9·Nyquist; Kaiser β is set for 90 dB attenuation. Output sample n
/// sits at input time t = n·M/L (sample 0 on sample 0, like soxr/librosa) and is Σ x[k]·h(t − k) over the 2H nearest
/// inputs; the signal is zero outside the stream. The output has ceil(inputLength · L / M) samples (librosa's length).
/// </para>
/// <para>
/// Phases: when L ≤ <see cref="MaxExactPhases"/> (and the table fits 4 MB) one coefficient row per phase
/// p = (n·M) mod L is precomputed and used exactly; otherwise rows are tabulated at up to <see cref="MaxExactPhases"/>
/// fractional offsets and linearly interpolated. Tables are cached per ratio and shared (read-only).
/// Every row is normalised to sum 1 (exact unit DC gain for every phase).
/// </para>
/// Usage: alternate <see cref="Write"/> and <see cref="Read"/>; call <see cref="Complete"/> after the last input, then
/// <see cref="Read"/> until it returns 0. Memory stays bounded by the largest write plus the filter length.
/// Not thread-safe.
/// </summary>
internal sealed class Resampler
{
    /// <summary>Largest L for which each phase gets its own exact row.</summary>
    public const int MaxExactPhases = 4096;

    /// <summary>Stopband attenuation the Kaiser window is designed for (dB).</summary>
    public const double AttenuationDb = 90;

    /// <summary>Cutoff (−6 dB point) as a fraction of the lower of the two Nyquist frequencies.</summary>
    public const double CutoffFraction = 0.95;

    /// <summary>Full transition width as a fraction of the lower Nyquist frequency.</summary>
    public const double TransitionFraction = 0.10;

    private const int MaxCachedTables = 64;
    private const int MaxTableFloats = 1 << 20;
    private static readonly ConcurrentDictionary<(int L, int M), float[]> TableCache = new();

    private readonly int _l, _m, _half, _taps, _rows, _steps;
    private readonly bool _exact;
    private readonly float[] _table; // [_rows, _taps]
    private float[] _buf;
    private long _bufStart;          // absolute input index of _buf[0]
    private int _bufCount;
    private long _inputCount;        // input samples written so far
    private long _n;                 // next output index
    private bool _complete;

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> (Hz, both ≥ 1).</summary>
    public Resampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputRate, 1);
        int g = Gcd(inputRate, outputRate);
        _l = outputRate / g;
        _m = inputRate / g;
        InputRate = inputRate;
        OutputRate = outputRate;

        // 1. Filter parameters in input-sample units: cutoff fc (cycles/sample ×2, i.e. fraction of input Nyquist).
        double scale = Math.Min(1.0, (double)_l / _m);
        double fc = CutoffFraction * scale;
        double transition = Math.PI * TransitionFraction * scale;
        _half = (int)Math.Ceiling(KaiserWindow.Length(AttenuationDb, transition) / 2);
        _taps = 2 * _half;

        // 2. One row per phase (or per tabulated fraction, plus the end point frac = 1 for interpolation), shared
        //    between resamplers with the same ratio since the table is read-only.
        //    Extreme ratios (long filters) get fewer interpolated rows so the table stays within MaxTableFloats.
        int maxRows = Math.Clamp(MaxTableFloats / _taps, 2, MaxExactPhases);
        _exact = _l <= maxRows;
        _steps = _exact ? _l : maxRows - 1;
        _rows = _exact ? _l : _steps + 1;
        _table = TableCache.Count < MaxCachedTables
            ? TableCache.GetOrAdd((_l, _m), _ => BuildTable(_rows, _taps, _half, _steps, fc))
            : BuildTable(_rows, _taps, _half, _steps, fc);

        // 3. History: H − 1 zeros before the first sample.
        _buf = new float[Math.Max(4096, 4 * _taps)];
        _bufStart = -(_half - 1);
        _bufCount = _half - 1;
    }

    /// <summary>Input rate in Hz.</summary>
    public int InputRate { get; }

    /// <summary>Output rate in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>Taps per output sample (2H).</summary>
    public int Taps => _taps;

    /// <summary>Output samples for <paramref name="inputLength"/> input samples: ceil(inputLength · out / in).</summary>
    public long OutputLength(long inputLength) => checked((inputLength * _l + _m - 1) / _m);

    /// <summary>Appends input samples. Not allowed after <see cref="Complete"/>.</summary>
    public void Write(ReadOnlySpan<float> input)
    {
        if (_complete) throw new InvalidOperationException("Write after Complete");
        Append(input);
        _inputCount += input.Length;
    }

    /// <summary>Marks the end of the input: the stream is padded with zeros so the last outputs can be produced.</summary>
    public void Complete()
    {
        if (_complete) return;
        _complete = true;
        Span<float> zeros = stackalloc float[256];
        for (int left = _half + 1; left > 0; left -= zeros.Length)
            Append(zeros[..Math.Min(left, zeros.Length)]);
    }

    /// <summary>Writes as many output samples as are ready (up to the destination length) and returns their count.</summary>
    public int Read(Span<float> destination)
    {
        long total = _complete ? OutputLength(_inputCount) : long.MaxValue;
        long available = _bufStart + _bufCount; // one past the last buffered absolute index
        int written = 0;
        while (written < destination.Length && _n < total)
        {
            // Integer phase arithmetic: t = n·M/L = i0 + p/L exactly.
            long nm = _n * _m;
            long i0 = nm / _l;
            int p = (int)(nm % _l);
            if (i0 + _half >= available) break;      // needs input not written yet
            int start = (int)(i0 - _half + 1 - _bufStart);
            Debug.Assert(start >= 0, "history was dropped too early");
            var window = _buf.AsSpan(start, _taps);
            float y;
            if (_exact)
            {
                y = VectorMath.Dot(_table.AsSpan(p * _taps, _taps), window);
            }
            else
            {
                double pos = (double)p / _l * _steps;
                int r = Math.Min((int)pos, _steps - 1);
                float w = (float)(pos - r);
                float a = VectorMath.Dot(_table.AsSpan(r * _taps, _taps), window);
                float b = VectorMath.Dot(_table.AsSpan((r + 1) * _taps, _taps), window);
                y = a + w * (b - a);
            }
            destination[written++] = y;
            _n++;
        }
        return written;
    }

    private void Append(ReadOnlySpan<float> input)
    {
        // Drop history no future output needs: the next output's first tap is i0(n) − H + 1.
        long keepFrom = _n * _m / _l - _half + 1;
        int drop = (int)Math.Clamp(keepFrom - _bufStart, 0, _bufCount);
        if (drop > 0)
        {
            _buf.AsSpan(drop, _bufCount - drop).CopyTo(_buf);
            _bufCount -= drop;
            _bufStart += drop;
        }
        if (_bufCount + input.Length > _buf.Length)
            Array.Resize(ref _buf, Math.Max(_bufCount + input.Length, 2 * _buf.Length));
        input.CopyTo(_buf.AsSpan(_bufCount));
        _bufCount += input.Length;
    }

    /// <summary>
    /// Coefficients [rows, taps]: row p is the Kaiser-windowed sinc at fractional delay p / <paramref name="steps"/>,
    /// normalised to sum 1. Tap j multiplies input i0 − H + 1 + j, at distance τ = frac + H − 1 − j from the output instant.
    /// </summary>
    private static float[] BuildTable(int rows, int taps, int half, int steps, double fc)
    {
        double beta = KaiserWindow.Beta(AttenuationDb);
        double i0Beta = KaiserWindow.BesselI0(beta);
        var table = new float[rows * taps];
        var row = new double[taps];
        for (int p = 0; p < rows; p++)
        {
            double frac = (double)p / steps;
            double sum = 0;
            for (int j = 0; j < taps; j++)
            {
                double tau = frac + half - 1 - j;
                double x = fc * tau;
                double sinc = x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
                row[j] = fc * sinc * KaiserWindow.Value(tau, half, beta, i0Beta);
                sum += row[j];
            }
            for (int j = 0; j < taps; j++) table[p * taps + j] = (float)(row[j] / sum);
        }
        return table;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
