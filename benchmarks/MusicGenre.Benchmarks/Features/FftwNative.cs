using System.Runtime.InteropServices;

namespace MusicGenre.Benchmarks.Features;

/// <summary>
/// P/Invoke into Debian's single-precision FFTW (libfftw3-single3), used only as the benchmark reference.
/// </summary>
internal static unsafe partial class FftwNative
{
    private const string Lib = "libfftw3f.so.3";

    /// <summary>FFTW_MEASURE: time several algorithms while planning and keep the fastest.</summary>
    public const uint Measure = 0;

    [LibraryImport(Lib, EntryPoint = "fftwf_plan_dft_r2c_1d")]
    public static partial nint PlanR2C(int n, float* input, float* output, uint flags);

    [LibraryImport(Lib, EntryPoint = "fftwf_execute")]
    public static partial void Execute(nint plan);

    [LibraryImport(Lib, EntryPoint = "fftwf_destroy_plan")]
    public static partial void DestroyPlan(nint plan);

    [LibraryImport(Lib, EntryPoint = "fftwf_malloc")]
    public static partial void* Malloc(nuint bytes);

    [LibraryImport(Lib, EntryPoint = "fftwf_free")]
    public static partial void Free(void* p);
}
