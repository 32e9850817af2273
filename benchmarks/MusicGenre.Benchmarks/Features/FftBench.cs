using BenchmarkDotNet.Attributes;
using MusicGenre.Features.Fft;

namespace MusicGenre.Benchmarks.Features;

/// <summary>
/// One real-input FFT of n points: our scalar twin (baseline), our SIMD plan, and FFTW (r2c, FFTW_MEASURE, one
/// thread) on the same signal. n = 2048 (librosa default) and 2205 (100 ms at 22.05 kHz, 3²·5·7²).
/// </summary>
[Config(typeof(FeaturesBenchConfig))]
public unsafe class FftBench
{
    private RealFftPlan _scalar = null!, _simd = null!;
    private float[] _x = [], _re = [], _im = [];
    private float* _fftwIn, _fftwOut;
    private nint _fftwPlan;

    [Params(2048, 2205)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _x = new float[N];
        for (int i = 0; i < N; i++)
            _x[i] = (float)(rng.NextDouble() * 2 - 1);
        _re = new float[N / 2 + 1];
        _im = new float[N / 2 + 1];
        _scalar = new RealFftPlan(N, SimdWidth.Scalar);
        _simd = new RealFftPlan(N);
    }

    /// <summary>FFTW's plan, for the Fftw method only: our methods run where libfftw3-single3 is not installed.</summary>
    [GlobalSetup(Target = nameof(Fftw))]
    public void SetupFftw()
    {
        Setup();
        try { _fftwIn = (float*)FftwNative.Malloc((nuint)(N * sizeof(float))); }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException("FFTW is not installed (libfftw3f.so.3; Debian: apt-get install libfftw3-single3); only the Fftw method needs it.", e);
        }
        _fftwOut = (float*)FftwNative.Malloc((nuint)((N / 2 + 1) * 2 * sizeof(float)));
        _fftwPlan = FftwNative.PlanR2C(N, _fftwIn, _fftwOut, FftwNative.Measure);
        if (_fftwPlan == 0)
            throw new InvalidOperationException($"FFTW could not plan n = {N}.");

        // FFTW_MEASURE overwrites the buffers while planning; fill the input afterwards.
        for (int i = 0; i < N; i++)
            _fftwIn[i] = _x[i];
    }

    [GlobalCleanup(Target = nameof(Fftw))]
    public void CleanupFftw()
    {
        FftwNative.DestroyPlan(_fftwPlan);
        FftwNative.Free(_fftwIn);
        FftwNative.Free(_fftwOut);
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Forward(_x, _re, _im);

    [Benchmark]
    public void Simd() => _simd.Forward(_x, _re, _im);

    [Benchmark]
    public void SimdPower() => _simd.ForwardPower(_x, _re);

    [Benchmark]
    public void Fftw() => FftwNative.Execute(_fftwPlan);
}
