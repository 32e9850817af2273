using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MusicGenre.Audio.Decoding.Layer3;

/// <summary>
/// The polyphase synthesis filterbank of one output channel (ISO/IEC 11172-3 §2.4.3.3 / Figure A.2), 32 subband samples
/// in, 32 PCM samples out per time slot.
/// <para>
/// The standard's steps: 1. shift the 1024-entry FIFO V by 64; 2. matrixing V[i] = Σ_k S[k]·cos((16 + i)(2k + 1)π/64)
/// for i = 0..63; 3. build U from V (U[64i + j] = V[128i + j], U[64i + 32 + j] = V[128i + 96 + j]); 4. window by D;
/// 5. out[j] = Σ_{i&lt;16} W[j + 32i]. Only half of each slot's V is ever read — its first 32 values while its age is even,
/// its last 32 while odd — so a ring of 16 slots keeps both halves (<c>lo</c> = V[0..31], <c>hi</c> = V[32..63]) and
/// out[j] = Σ_{m&lt;8} lo_{age 2m}[j]·D[64m + j] + hi_{age 2m+1}[j]·D[64m + 32 + j].
/// </para>
/// <para>
/// SIMD lanes: the matrixing runs over the 32 outputs j (for each input k, broadcast S[k] and multiply-add the matrix
/// row), the windowing over the 32 output samples j — 32 lanes each, 2 registers of Vector512, 4 of Vector256, 8 of
/// Vector128, or 32 scalar steps in the twin.
/// </para>
/// </summary>
internal sealed class SynthesisFilterbank
{
    /// <summary>lo/hi matrix rows: <c>[k·64 + j]</c> = cos((16 + j)(2k + 1)π/64) for j &lt; 32, cos((48 + j − 32)(2k + 1)π/64) after.</summary>
    private static readonly float[] Matrix = BuildMatrix();

    private readonly SimdWidth _width;

    // Ring of 16 slots × 64 (lo then hi); _slot is the newest.
    private readonly float[] _ring = new float[16 * 64];
    private int _slot;

    public SynthesisFilterbank(SimdWidth width = SimdWidth.V512) => _width = SimdWidths.Clamp(width);

    /// <summary>Forgets the past slots (as at the start of a stream).</summary>
    public void Reset()
    {
        Array.Clear(_ring);
        _slot = 0;
    }

    /// <summary>
    /// Synthesises <paramref name="slots"/> time slots: slot t's 32 subband samples are <c>subbands[32t .. 32t + 31]</c>;
    /// its 32 PCM samples go to <c>output[t·32·stride + j·stride]</c> (stride 2 writes one channel of interleaved stereo).
    /// </summary>
    public void Synthesize(ReadOnlySpan<float> subbands, int slots, Span<float> output, int stride)
    {
        if (subbands.Length < 32 * slots || output.Length < (32 * slots - 1) * stride + 1)
            throw new ArgumentException("buffers too small for the slot count");
        Span<float> pcm = stackalloc float[32];
        for (int t = 0; t < slots; t++)
        {
            var s = subbands.Slice(32 * t, 32);
            switch (_width)
            {
                case SimdWidth.V512: Slot<Vector512<float>, Vec512Ops>(s, pcm); break;
                case SimdWidth.V256: Slot<Vector256<float>, Vec256Ops>(s, pcm); break;
                case SimdWidth.V128: Slot<Vector128<float>, Vec128Ops>(s, pcm); break;
                default: Slot<float, ScalarOps>(s, pcm); break;
            }
            var dst = output[(32 * t * stride)..];
            if (stride == 1) pcm.CopyTo(dst);
            else for (int j = 0; j < 32; j++) dst[j * stride] = pcm[j];
        }
    }

    /// <summary>
    /// One time slot: matrixing into the ring's new slot, then the 16-tap windowed sum per output sample. Each loop keeps
    /// four independent accumulators (four blocks of lanes, or two blocks × even/odd taps) so that consecutive
    /// multiply-adds do not wait on each other's latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Slot<TV, TOps>(ReadOnlySpan<float> s, Span<float> pcm) where TV : struct where TOps : ISimdOps<TV>
    {
        nuint w = (nuint)TOps.Count;
        _slot = (_slot + 15) & 15;
        ref float ring = ref MemoryMarshal.GetArrayDataReference(_ring);
        ref float matrix = ref MemoryMarshal.GetArrayDataReference(Matrix);
        ref float window = ref MemoryMarshal.GetArrayDataReference(Layer3Tables.SynthesisWindow);
        ref float input = ref MemoryMarshal.GetReference(s);
        ref float output = ref MemoryMarshal.GetReference(pcm);
        nuint slot = (nuint)(_slot * 64);

        // 1–2. Matrixing: the 64 values of V (lo and hi) for this slot, four blocks of lanes per pass over the 32 inputs.
        for (nuint b = 0; b < 64; b += 4 * w)
        {
            TV a0 = default, a1 = default, a2 = default, a3 = default;
            for (nuint k = 0; k < 32; k++)
            {
                TV sk = TOps.Broadcast(Unsafe.Add(ref input, k));
                nuint row = k * 64 + b;
                a0 = TOps.MulAdd(sk, TOps.Load(ref matrix, row), a0);
                a1 = TOps.MulAdd(sk, TOps.Load(ref matrix, row + w), a1);
                a2 = TOps.MulAdd(sk, TOps.Load(ref matrix, row + 2 * w), a2);
                a3 = TOps.MulAdd(sk, TOps.Load(ref matrix, row + 3 * w), a3);
            }
            TOps.Store(a0, ref ring, slot + b);
            TOps.Store(a1, ref ring, slot + b + w);
            TOps.Store(a2, ref ring, slot + b + 2 * w);
            TOps.Store(a3, ref ring, slot + b + 3 * w);
        }

        // 3–5. out[j] = Σ_m lo_{2m}[j]·D[64m + j] + hi_{2m+1}[j]·D[64m + 32 + j]; two blocks of lanes per pass, with
        // the even-age (lo) and odd-age (hi) taps in separate accumulators.
        for (nuint b = 0; b < 32; b += 2 * w)
        {
            TV e0 = default, e1 = default, o0 = default, o1 = default;
            for (int m = 0; m < 8; m++)
            {
                nuint even = (nuint)(((_slot + 2 * m) & 15) * 64) + b;
                nuint odd = (nuint)(((_slot + 2 * m + 1) & 15) * 64 + 32) + b;
                nuint d = (nuint)(64 * m) + b;
                e0 = TOps.MulAdd(TOps.Load(ref ring, even), TOps.Load(ref window, d), e0);
                e1 = TOps.MulAdd(TOps.Load(ref ring, even + w), TOps.Load(ref window, d + w), e1);
                o0 = TOps.MulAdd(TOps.Load(ref ring, odd), TOps.Load(ref window, d + 32), o0);
                o1 = TOps.MulAdd(TOps.Load(ref ring, odd + w), TOps.Load(ref window, d + 32 + w), o1);
            }
            TOps.Store(TOps.Add(e0, o0), ref output, b);
            TOps.Store(TOps.Add(e1, o1), ref output, b + w);
        }
    }

    private static float[] BuildMatrix()
    {
        var m = new float[32 * 64];
        for (int k = 0; k < 32; k++)
            for (int i = 0; i < 64; i++)
                m[k * 64 + i] = (float)Math.Cos((16 + i) * (2 * k + 1) * Math.PI / 64);
        return m;
    }
}
