using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Kernels.Spectral;
using MusicGenre.Features.Tests.Reference;

namespace MusicGenre.Features.Tests.Gpu;

/// <summary>
/// Seeded randomized equivalence of every spectral kernel with its scalar twin (<see cref="SpectralScalar"/>), and of
/// the batched FFT with an O(n²) double DFT, on each test device (shapes are tiny: the CPU accelerator is a simulator).
/// </summary>
public class SpectralKernelsTests
{
    public static TheoryData<string> Kinds => GpuTestDevices.Kinds;

    // Every length 1..40 plus mixed-radix, prime and preset sizes (2048, 2205 = 3²·5·7²).
    private static readonly int[] FftLengths = [.. Enumerable.Range(1, 40), 49, 60, 64, 97, 105, 121, 128, 256, 441, 1000, 2048, 2205];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fft_MatchesDoubleDftAndScalarTwin(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(1234);
        lock (GpuTestDevices.Lock)
        {
            var acc = GpuTestDevices.Get(kind).Accelerator;
            foreach (int n in FftLengths)
            {
                int frames = n <= 128 ? 3 : 1;
                float[] re = Random(rng, n * frames), im = Random(rng, n * frames);

                // 1. Device: both ping-pong halves, result in whichever the pass count leaves it.
                using var bRe = acc.Allocate1D(re);
                using var bIm = acc.Allocate1D(im);
                using var sRe = acc.Allocate1D<float>(re.Length);
                using var sIm = acc.Allocate1D<float>(im.Length);
                using var fft = new GpuFft(acc, n);
                bool inScratch = fft.Forward(bRe.View, bIm.View, sRe.View, sIm.View, frames);
                float[] gRe = (inScratch ? sRe : bRe).GetAsArray1D(), gIm = (inScratch ? sIm : bIm).GetAsArray1D();

                // 2. Scalar twin, same passes on the host.
                float[] tRe = (float[])re.Clone(), tIm = (float[])im.Clone();
                SpectralScalar.Fft(fft.Plan, tRe, tIm, frames);

                // 3. Per frame: ≤ 1e-5 relative to the double DFT; twin within float reassociation (CUDA may fuse FMAs).
                for (int t = 0; t < frames; t++)
                {
                    var (eRe, eIm) = NaiveDft.Forward(re.AsSpan(t * n, n), im.AsSpan(t * n, n), n);
                    double err = NaiveDft.RelativeError(eRe, eIm, gRe.AsSpan(t * n, n), gIm.AsSpan(t * n, n));
                    Assert.True(err <= 1e-5, $"{kind} n={n} frame {t}: relative error {err:G3} > 1e-5");
                    double twin = NaiveDft.RelativeError([.. tRe.AsSpan(t * n, n).ToArray().Select(v => (double)v)],
                        [.. tIm.AsSpan(t * n, n).ToArray().Select(v => (double)v)], gRe.AsSpan(t * n, n), gIm.AsSpan(t * n, n));
                    Assert.True(twin <= 1e-6, $"{kind} n={n} frame {t}: differs from the scalar twin by {twin:G3}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FrameWindow_MatchesScalarTwin(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(99);
        // (nFft, hop, padLeft, mode, segLength, segHop, segments): constant centre, reflect centre, no padding,
        // segmented reflect (seed_exact in miniature), odd n_fft, frame longer than the signal.
        var cases = new (int NFft, int Hop, int Pad, int Mode, int SegLen, int SegHop, int Segs)[]
        {
            (16, 4, 8, FrameParams.PadConstant, 37, 0, 1),
            (16, 5, 8, FrameParams.PadReflect, 37, 0, 1),
            (15, 3, 0, FrameParams.PadConstant, 40, 0, 1),
            (8, 4, 4, FrameParams.PadReflect, 11, 5, 4),
            (9, 2, 4, FrameParams.PadReflect, 10, 3, 3),
            (32, 8, 16, FrameParams.PadConstant, 7, 0, 1),
        };
        lock (GpuTestDevices.Lock)
        {
            var acc = GpuTestDevices.Get(kind).Accelerator;
            var kernel = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FrameParams, int>(SpectralKernels.FrameWindow);
            foreach (var c in cases)
            {
                int framesPerSeg = 1 + (c.SegLen + 2 * c.Pad - c.NFft) / c.Hop;
                var p = new FrameParams(c.NFft, c.Hop, c.Pad, c.Mode, c.SegLen, c.SegHop, c.Segs, framesPerSeg);
                float[] signal = Random(rng, c.SegLen + c.SegHop * (c.Segs - 1)), window = Random(rng, c.NFft);
                var tRe = new float[p.TotalFrames * c.NFft];
                var tIm = new float[tRe.Length];
                SpectralScalar.FrameWindow(signal, window, tRe, tIm, p);

                using var x = acc.Allocate1D(signal);
                using var w = acc.Allocate1D(window);
                using var re = acc.Allocate1D<float>(tRe.Length);
                using var im = acc.Allocate1D(Random(rng, tRe.Length));  // stale data must be overwritten with 0
                int threads = GridStride.Threads(acc, (long)c.NFft * p.TotalFrames);
                kernel(threads, x.View, w.View, re.View, im.View, p, threads);
                Close.Assert(tRe, re.GetAsArray1D(), 0, 0, $"{kind} frames {c}");
                Close.Assert(tIm, im.GetAsArray1D(), 0, 0, $"{kind} imag {c}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PowerAndMel_MatchScalarTwins(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(7);
        lock (GpuTestDevices.Lock)
        {
            var acc = GpuTestDevices.Get(kind).Accelerator;
            int T(int total) => GridStride.Threads(acc, total);
            var power = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(SpectralKernels.Power);
            var mel = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, MelParams, int>(SpectralKernels.MelProject);
            foreach (var (n, frames, nMels, fps) in new[] { (1, 1, 1, 1), (9, 4, 3, 2), (16, 7, 5, 7), (33, 6, 7, 3) })
            {
                int nFreq = n / 2 + 1;
                float[] re = Random(rng, n * frames), im = Random(rng, n * frames);
                var tPow = new float[frames * nFreq];
                SpectralScalar.Power(re, im, tPow, n, nFreq, frames);
                using var bRe = acc.Allocate1D(re);
                using var bIm = acc.Allocate1D(im);
                using var bPow = acc.Allocate1D<float>(tPow.Length);
                power(T(nFreq * frames), bRe.View, bIm.View, bPow.View, n, nFreq, frames, T(nFreq * frames));
                Close.Assert(tPow, bPow.GetAsArray1D(), 0, 1e-6, $"{kind} power n={n}");

                // Banded random filterbank: each row non-zero on a random sub-range (some rows empty).
                var basis = new float[nMels * nFreq];
                for (int m = 0; m < nMels; m++)
                {
                    int a = rng.Next(nFreq + 1), b = rng.Next(a, nFreq + 1);
                    for (int f = a; f < b; f++) basis[m * nFreq + f] = (float)rng.NextDouble();
                }
                var (start, end) = SpectralScalar.NonZeroBands(basis, nMels, nFreq);
                var p = new MelParams(nFreq, nMels, fps, frames / fps, 1e-10f, 0f, 0, 80f);
                int used = p.Segments * fps;
                var tMel = new float[used * nMels];
                SpectralScalar.MelProject(tPow, basis, start, end, tMel, p);
                using var bBasis = acc.Allocate1D(basis);
                using var bStart = acc.Allocate1D(start);
                using var bEnd = acc.Allocate1D(end);
                using var bMel = acc.Allocate1D<float>(tMel.Length);
                mel(T(nMels * used), bPow.View, bBasis.View, bStart.View, bEnd.View, bMel.View, p, T(nMels * used));
                Close.Assert(tMel, bMel.GetAsArray1D(), 1e-7, 1e-5, $"{kind} mel n={n} mels={nMels}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PowerToDb_MatchesScalarTwin(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(21);
        lock (GpuTestDevices.Lock)
        {
            var acc = GpuTestDevices.Get(kind).Accelerator;
            int T(int total) => GridStride.Threads(acc, total);
            var rowMax = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(SpectralKernels.RowMax);
            var db = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MelParams, int>(SpectralKernels.PowerToDb);
            // (mels, frames per segment, segments, ref is max, ref dB, top_db)
            foreach (var (nMels, fps, segs, refMax, refDb, topDb) in new[]
                     { (4, 5, 1, 0, 0f, 80f), (3, 7, 4, 1, 0f, 80f), (5, 3, 2, 0, 3f, 0f), (1, 1, 1, 1, 0f, 10f) })
            {
                var p = new MelParams(9, nMels, fps, segs, 1e-10f, refDb, refMax, topDb);
                // Powers spread over 24 decades, some exactly zero (below amin).
                var mel = new float[segs * p.SegmentSize];
                for (int i = 0; i < mel.Length; i++) mel[i] = rng.Next(10) == 0 ? 0f : (float)Math.Pow(10, rng.NextDouble() * 24 - 14);
                var expected = new float[mel.Length];
                SpectralScalar.PowerToDb(mel, expected, p);

                using var bMel = acc.Allocate1D(mel);
                using var bRow = acc.Allocate1D<float>(segs * nMels);
                using var bSeg = acc.Allocate1D<float>(segs);
                using var bDb = acc.Allocate1D<float>(mel.Length);
                rowMax(T(segs * nMels), bMel.View, bRow.View, segs * nMels, fps, T(segs * nMels));
                rowMax(T(segs), bRow.View, bSeg.View, segs, nMels, T(segs));
                db(T(p.SegmentSize * segs), bMel.View, bSeg.View, bDb.View, p, T(p.SegmentSize * segs));
                Close.Assert(expected, bDb.GetAsArray1D(), 2e-5, 1e-6, $"{kind} dB mels={nMels} segs={segs}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Dct_MatchesScalarTwin(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(33);
        lock (GpuTestDevices.Lock)
        {
            var acc = GpuTestDevices.Get(kind).Accelerator;
            var dct = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MelParams, int, int>(SpectralKernels.Dct);
            // (mels, mfcc, frames per segment, segments)
            foreach (var (nMels, nMfcc, fps, segs) in new[] { (1, 1, 1, 1), (7, 3, 5, 2), (40, 13, 9, 1), (16, 16, 2, 3) })
            {
                var p = new MelParams(9, nMels, fps, segs, 1e-10f, 0f, 0, 80f);
                float[] logmel = [.. Random(rng, segs * p.SegmentSize).Select(v => v * 80f)], basis = Random(rng, nMfcc * nMels);
                var expected = new float[segs * nMfcc * fps];
                SpectralScalar.Dct(logmel, basis, expected, p, nMfcc);
                using var bLog = acc.Allocate1D(logmel);
                using var bBasis = acc.Allocate1D(basis);
                using var bOut = acc.Allocate1D<float>(expected.Length);
                int threads = GridStride.Threads(acc, expected.Length);
                dct(threads, bLog.View, bBasis.View, bOut.View, p, nMfcc, threads);
                Close.Assert(expected, bOut.GetAsArray1D(), 1e-4, 1e-5, $"{kind} dct mels={nMels} mfcc={nMfcc}");
            }
        }
    }

    private static float[] Random(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
