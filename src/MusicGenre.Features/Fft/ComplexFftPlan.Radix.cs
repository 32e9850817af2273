using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MusicGenre.Features.Fft;

/// <summary>The Stockham passes: one generic butterfly body per radix, instantiated per vector width.</summary>
internal sealed partial class ComplexFftPlan
{
    // Butterfly constants, exact in double, rounded once to float.
    private const double Tau = 2.0 * Math.PI;
    private static readonly float Sin3 = (float)Math.Sin(Tau / 3);
    private static readonly float C51 = (float)Math.Cos(Tau / 5), C52 = (float)Math.Cos(2 * Tau / 5);
    private static readonly float S51 = (float)Math.Sin(Tau / 5), S52 = (float)Math.Sin(2 * Tau / 5);
    private static readonly float C71 = (float)Math.Cos(Tau / 7), C72 = (float)Math.Cos(2 * Tau / 7), C73 = (float)Math.Cos(3 * Tau / 7);
    private static readonly float S71 = (float)Math.Sin(Tau / 7), S72 = (float)Math.Sin(2 * Tau / 7), S73 = (float)Math.Sin(3 * Tau / 7);

    /// <summary>
    /// Runs one pass. Lanes run along q (the S interleaved sub-transforms, contiguous in memory), so a vector of W
    /// lanes does W independent butterflies with the same twiddle. The widest width with W ≤ S covers
    /// q ∈ [0, S − S mod W); the tail q ∈ [S − S mod W, S) runs on the scalar twin. Early passes (S &lt; 4) are scalar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private void RunStage(FftStage st, ReadOnlySpan<float> xRe, ReadOnlySpan<float> xIm, Span<float> yRe, Span<float> yIm)
    {
        ref float xr = ref MemoryMarshal.GetReference(xRe);
        ref float xi = ref MemoryMarshal.GetReference(xIm);
        ref float yr = ref MemoryMarshal.GetReference(yRe);
        ref float yi = ref MemoryMarshal.GetReference(yIm);
        int s = st.Stride, w = (int)_width, vecEnd = 0;
        if (s == 1 && st.Radix == 4 && w > 1)
        {
            // First radix-4 pass: lanes along p (see Radix4LanePass); the leftover p run on the scalar twin.
            int p = 0;
            if (w >= 16)
                p = Radix4LanePass<Vec512Ops, Vector512<float>>(st, ref xr, ref xi, ref yr, ref yi, p, blocks: false);
            if (w >= 8)
                p = Radix4LanePass<Vec256Ops, Vector256<float>>(st, ref xr, ref xi, ref yr, ref yi, p, blocks: false);
            p = Radix4LanePass<Vec128Ops, Vector128<float>>(st, ref xr, ref xi, ref yr, ref yi, p, blocks: false);
            Radix4LanePass<ScalarOps, float>(st, ref xr, ref xi, ref yr, ref yi, p, blocks: false);
            return;
        }

        if (s == 4 && st.Radix == 4 && w >= 8)
        {
            // Second radix-4 pass: lanes along (p, q) (see Radix4LanePass); the 128-bit step finishes any p left.
            int i = 0;
            if (w >= 16)
                i = Radix4LanePass<Vec512Ops, Vector512<float>>(st, ref xr, ref xi, ref yr, ref yi, i, blocks: true);
            i = Radix4LanePass<Vec256Ops, Vector256<float>>(st, ref xr, ref xi, ref yr, ref yi, i, blocks: true);
            Radix4LanePass<Vec128Ops, Vector128<float>>(st, ref xr, ref xi, ref yr, ref yi, i, blocks: true);
            return;
        }

        if (w >= 16 && s >= 16)
        {
            vecEnd = s - s % 16;
            Dispatch<Vec512Ops, Vector512<float>>(st, ref xr, ref xi, ref yr, ref yi, 0, vecEnd);
        }
        else if (w >= 8 && s >= 8)
        {
            vecEnd = s - s % 8;
            Dispatch<Vec256Ops, Vector256<float>>(st, ref xr, ref xi, ref yr, ref yi, 0, vecEnd);
        }
        else if (w >= 4 && s >= 4)
        {
            vecEnd = s - s % 4;
            Dispatch<Vec128Ops, Vector128<float>>(st, ref xr, ref xi, ref yr, ref yi, 0, vecEnd);
        }

        if (vecEnd < s)
            Dispatch<ScalarOps, float>(st, ref xr, ref xi, ref yr, ref yi, vecEnd, s);
    }

    /// <summary>
    /// The radix-4 passes whose stride S is below the vector width, vectorised over the butterflies instead of q.
    /// First pass (S = 1, <paramref name="blocks"/> false): lane i is butterfly p = i, inputs x[p + j·M] contiguous,
    /// twiddles from the [k − 1, p] table, outputs y[4p + k] the four result registers interleaved
    /// (<see cref="ISimdOps{TV}.StoreInterleaved4"/>). Stride-4 pass (<paramref name="blocks"/> true): lane i = 4p + q
    /// is sub-transform q of butterfly p, so a register does W/4 butterflies × 4 sub-transforms instead of one 128-bit
    /// register per p; inputs x[q + 4·(p + j·M)] are contiguous over (p, q), twiddles come from
    /// <see cref="FftStage.TwRe4ByK"/> (each p's value in its 4 lanes), and outputs y[q + 4·(4p + k)] are, per p, the
    /// 128-bit blocks of the four results side by side (<see cref="ISimdOps{TV}.StoreBlocks4"/>). In both, input j and
    /// twiddle k − 1 sit one row of L = M (first) or 4M (stride 4) floats apart and the outputs start at 4i. The
    /// arithmetic is <see cref="Radix4{TOps, TV}"/>'s in the same order, so results are bit-identical. Runs from lane
    /// index <paramref name="i0"/> while a full register fits; returns the first index not done (the caller finishes
    /// with a narrower width or the scalar twin; the scalar twin only for the first pass).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int Radix4LanePass<TOps, TV>(FftStage st, ref float xr, ref float xi, ref float yr, ref float yi, int i0, bool blocks)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int len = blocks ? 4 * st.M : st.M, w = TOps.Count, i = i0;
        nuint row = (nuint)len;
        ref float tr = ref MemoryMarshal.GetArrayDataReference(blocks ? st.TwRe4ByK! : st.TwReByK);
        ref float ti = ref MemoryMarshal.GetArrayDataReference(blocks ? st.TwIm4ByK! : st.TwImByK);
        for (; i + w <= len; i += w)
        {
            nuint a = (nuint)i;
            TV a0r = TOps.Load(ref xr, a), a0i = TOps.Load(ref xi, a);
            TV a1r = TOps.Load(ref xr, a + row), a1i = TOps.Load(ref xi, a + row);
            TV a2r = TOps.Load(ref xr, a + 2 * row), a2i = TOps.Load(ref xi, a + 2 * row);
            TV a3r = TOps.Load(ref xr, a + 3 * row), a3i = TOps.Load(ref xi, a + 3 * row);

            TV t0r = TOps.Add(a0r, a2r), t0i = TOps.Add(a0i, a2i);
            TV t1r = TOps.Sub(a0r, a2r), t1i = TOps.Sub(a0i, a2i);
            TV t2r = TOps.Add(a1r, a3r), t2i = TOps.Add(a1i, a3i);
            TV t3r = TOps.Sub(a1i, a3i), t3i = TOps.Sub(a3r, a1r);

            TV u1r = TOps.Add(t1r, t3r), u1i = TOps.Add(t1i, t3i);
            TV u2r = TOps.Sub(t0r, t2r), u2i = TOps.Sub(t0i, t2i);
            TV u3r = TOps.Sub(t1r, t3r), u3i = TOps.Sub(t1i, t3i);
            TV w1r = TOps.Load(ref tr, a), w1i = TOps.Load(ref ti, a);
            TV w2r = TOps.Load(ref tr, a + row), w2i = TOps.Load(ref ti, a + row);
            TV w3r = TOps.Load(ref tr, a + 2 * row), w3i = TOps.Load(ref ti, a + 2 * row);

            nuint o = (nuint)(4 * i);
            TV b0r = TOps.Add(t0r, t2r), b0i = TOps.Add(t0i, t2i);
            TV b1r = TOps.Sub(TOps.Mul(u1r, w1r), TOps.Mul(u1i, w1i)), b1i = TOps.Add(TOps.Mul(u1r, w1i), TOps.Mul(u1i, w1r));
            TV b2r = TOps.Sub(TOps.Mul(u2r, w2r), TOps.Mul(u2i, w2i)), b2i = TOps.Add(TOps.Mul(u2r, w2i), TOps.Mul(u2i, w2r));
            TV b3r = TOps.Sub(TOps.Mul(u3r, w3r), TOps.Mul(u3i, w3i)), b3i = TOps.Add(TOps.Mul(u3r, w3i), TOps.Mul(u3i, w3r));
            if (blocks)
            {
                TOps.StoreBlocks4(b0r, b1r, b2r, b3r, ref yr, o);
                TOps.StoreBlocks4(b0i, b1i, b2i, b3i, ref yi, o);
            }
            else
            {
                TOps.StoreInterleaved4(b0r, b1r, b2r, b3r, ref yr, o);
                TOps.StoreInterleaved4(b0i, b1i, b2i, b3i, ref yi, o);
            }
        }

        return i;
    }

    private static void Dispatch<TOps, TV>(FftStage st, ref float xr, ref float xi, ref float yr, ref float yi, int q0, int q1)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        switch (st.Radix)
        {
            case 2: Radix2<TOps, TV>(st, ref xr, ref xi, ref yr, ref yi, q0, q1); break;
            case 3: Radix3<TOps, TV>(st, ref xr, ref xi, ref yr, ref yi, q0, q1); break;
            case 4: Radix4<TOps, TV>(st, ref xr, ref xi, ref yr, ref yi, q0, q1); break;
            case 5: Radix5<TOps, TV>(st, ref xr, ref xi, ref yr, ref yi, q0, q1); break;
            case 7: Radix7<TOps, TV>(st, ref xr, ref xi, ref yr, ref yi, q0, q1); break;
            default: throw new InvalidOperationException($"No butterfly for radix {st.Radix}.");
        }
    }

    /// <summary>Stores (re + i·im)·(wr + i·wi) at index <paramref name="o"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTwiddled<TOps, TV>(TV re, TV im, TV wr, TV wi, ref float yr, ref float yi, nuint o)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        TOps.Store(TOps.Sub(TOps.Mul(re, wr), TOps.Mul(im, wi)), ref yr, o);
        TOps.Store(TOps.Add(TOps.Mul(re, wi), TOps.Mul(im, wr)), ref yi, o);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Radix2<TOps, TV>(FftStage st, ref float xr, ref float xi, ref float yr, ref float yi, int q0, int q1)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int s = st.Stride, m = st.M;
        nuint sm = (nuint)(s * m), ss = (nuint)s;
        for (int p = 0; p < m; p++)
        {
            TV wr = TOps.Broadcast(st.TwRe[p]), wi = TOps.Broadcast(st.TwIm[p]);
            nuint i0 = (nuint)(s * p), o0 = (nuint)(2 * s * p);
            for (int q = q0; q < q1; q += TOps.Count)
            {
                nuint a = i0 + (nuint)q, o = o0 + (nuint)q;
                TV a0r = TOps.Load(ref xr, a), a0i = TOps.Load(ref xi, a);
                TV a1r = TOps.Load(ref xr, a + sm), a1i = TOps.Load(ref xi, a + sm);
                TOps.Store(TOps.Add(a0r, a1r), ref yr, o);
                TOps.Store(TOps.Add(a0i, a1i), ref yi, o);
                StoreTwiddled<TOps, TV>(TOps.Sub(a0r, a1r), TOps.Sub(a0i, a1i), wr, wi, ref yr, ref yi, o + ss);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Radix3<TOps, TV>(FftStage st, ref float xr, ref float xi, ref float yr, ref float yi, int q0, int q1)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int s = st.Stride, m = st.M;
        nuint sm = (nuint)(s * m), ss = (nuint)s;
        TV half = TOps.Broadcast(0.5f), sin3 = TOps.Broadcast(Sin3);
        for (int p = 0; p < m; p++)
        {
            TV w1r = TOps.Broadcast(st.TwRe[2 * p]), w1i = TOps.Broadcast(st.TwIm[2 * p]);
            TV w2r = TOps.Broadcast(st.TwRe[2 * p + 1]), w2i = TOps.Broadcast(st.TwIm[2 * p + 1]);
            nuint i0 = (nuint)(s * p), o0 = (nuint)(3 * s * p);
            for (int q = q0; q < q1; q += TOps.Count)
            {
                nuint a = i0 + (nuint)q, o = o0 + (nuint)q;
                TV a0r = TOps.Load(ref xr, a), a0i = TOps.Load(ref xi, a);
                TV a1r = TOps.Load(ref xr, a + sm), a1i = TOps.Load(ref xi, a + sm);
                TV a2r = TOps.Load(ref xr, a + 2 * sm), a2i = TOps.Load(ref xi, a + 2 * sm);

                // b0 = a0 + S; b1,2 = (a0 − S/2) ∓ i·sin(2π/3)·D with S = a1 + a2, D = a1 − a2.
                TV sr = TOps.Add(a1r, a2r), si = TOps.Add(a1i, a2i);
                TV ur = TOps.Mul(sin3, TOps.Sub(a1r, a2r)), ui = TOps.Mul(sin3, TOps.Sub(a1i, a2i));
                TV ar = TOps.Sub(a0r, TOps.Mul(half, sr)), ai = TOps.Sub(a0i, TOps.Mul(half, si));
                TOps.Store(TOps.Add(a0r, sr), ref yr, o);
                TOps.Store(TOps.Add(a0i, si), ref yi, o);

                // −i·U = (Ui, −Ur), +i·U = (−Ui, Ur).
                StoreTwiddled<TOps, TV>(TOps.Add(ar, ui), TOps.Sub(ai, ur), w1r, w1i, ref yr, ref yi, o + ss);
                StoreTwiddled<TOps, TV>(TOps.Sub(ar, ui), TOps.Add(ai, ur), w2r, w2i, ref yr, ref yi, o + 2 * ss);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Radix4<TOps, TV>(FftStage st, ref float xr, ref float xi, ref float yr, ref float yi, int q0, int q1)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int s = st.Stride, m = st.M;
        nuint sm = (nuint)(s * m), ss = (nuint)s;
        for (int p = 0; p < m; p++)
        {
            TV w1r = TOps.Broadcast(st.TwRe[3 * p]), w1i = TOps.Broadcast(st.TwIm[3 * p]);
            TV w2r = TOps.Broadcast(st.TwRe[3 * p + 1]), w2i = TOps.Broadcast(st.TwIm[3 * p + 1]);
            TV w3r = TOps.Broadcast(st.TwRe[3 * p + 2]), w3i = TOps.Broadcast(st.TwIm[3 * p + 2]);
            nuint i0 = (nuint)(s * p), o0 = (nuint)(4 * s * p);
            for (int q = q0; q < q1; q += TOps.Count)
            {
                nuint a = i0 + (nuint)q, o = o0 + (nuint)q;
                TV a0r = TOps.Load(ref xr, a), a0i = TOps.Load(ref xi, a);
                TV a1r = TOps.Load(ref xr, a + sm), a1i = TOps.Load(ref xi, a + sm);
                TV a2r = TOps.Load(ref xr, a + 2 * sm), a2i = TOps.Load(ref xi, a + 2 * sm);
                TV a3r = TOps.Load(ref xr, a + 3 * sm), a3i = TOps.Load(ref xi, a + 3 * sm);

                // Two radix-2 layers: t0 = a0 + a2, t1 = a0 − a2, t2 = a1 + a3, t3 = −i·(a1 − a3).
                TV t0r = TOps.Add(a0r, a2r), t0i = TOps.Add(a0i, a2i);
                TV t1r = TOps.Sub(a0r, a2r), t1i = TOps.Sub(a0i, a2i);
                TV t2r = TOps.Add(a1r, a3r), t2i = TOps.Add(a1i, a3i);
                TV t3r = TOps.Sub(a1i, a3i), t3i = TOps.Sub(a3r, a1r);

                TOps.Store(TOps.Add(t0r, t2r), ref yr, o);
                TOps.Store(TOps.Add(t0i, t2i), ref yi, o);
                StoreTwiddled<TOps, TV>(TOps.Add(t1r, t3r), TOps.Add(t1i, t3i), w1r, w1i, ref yr, ref yi, o + ss);
                StoreTwiddled<TOps, TV>(TOps.Sub(t0r, t2r), TOps.Sub(t0i, t2i), w2r, w2i, ref yr, ref yi, o + 2 * ss);
                StoreTwiddled<TOps, TV>(TOps.Sub(t1r, t3r), TOps.Sub(t1i, t3i), w3r, w3i, ref yr, ref yi, o + 3 * ss);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Radix5<TOps, TV>(FftStage st, ref float xr, ref float xi, ref float yr, ref float yi, int q0, int q1)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int s = st.Stride, m = st.M;
        nuint sm = (nuint)(s * m), ss = (nuint)s;
        TV c1 = TOps.Broadcast(C51), c2 = TOps.Broadcast(C52), s1 = TOps.Broadcast(S51), s2 = TOps.Broadcast(S52);
        for (int p = 0; p < m; p++)
        {
            int t = 4 * p;
            TV w1r = TOps.Broadcast(st.TwRe[t]), w1i = TOps.Broadcast(st.TwIm[t]);
            TV w2r = TOps.Broadcast(st.TwRe[t + 1]), w2i = TOps.Broadcast(st.TwIm[t + 1]);
            TV w3r = TOps.Broadcast(st.TwRe[t + 2]), w3i = TOps.Broadcast(st.TwIm[t + 2]);
            TV w4r = TOps.Broadcast(st.TwRe[t + 3]), w4i = TOps.Broadcast(st.TwIm[t + 3]);
            nuint i0 = (nuint)(s * p), o0 = (nuint)(5 * s * p);
            for (int q = q0; q < q1; q += TOps.Count)
            {
                nuint a = i0 + (nuint)q, o = o0 + (nuint)q;
                TV a0r = TOps.Load(ref xr, a), a0i = TOps.Load(ref xi, a);
                TV a1r = TOps.Load(ref xr, a + sm), a1i = TOps.Load(ref xi, a + sm);
                TV a2r = TOps.Load(ref xr, a + 2 * sm), a2i = TOps.Load(ref xi, a + 2 * sm);
                TV a3r = TOps.Load(ref xr, a + 3 * sm), a3i = TOps.Load(ref xi, a + 3 * sm);
                TV a4r = TOps.Load(ref xr, a + 4 * sm), a4i = TOps.Load(ref xi, a + 4 * sm);

                // Pairs S_j = a_j + a_{5−j}, D_j = a_j − a_{5−j}; b_k = A_k − i·U_k, b_{5−k} = A_k + i·U_k with
                // A_k = a0 + Σ cos(2πjk/5)·S_j and U_k = Σ sin(2πjk/5)·D_j.
                TV s1r = TOps.Add(a1r, a4r), s1i = TOps.Add(a1i, a4i), d1r = TOps.Sub(a1r, a4r), d1i = TOps.Sub(a1i, a4i);
                TV s2r = TOps.Add(a2r, a3r), s2i = TOps.Add(a2i, a3i), d2r = TOps.Sub(a2r, a3r), d2i = TOps.Sub(a2i, a3i);

                TV A1r = TOps.Add(a0r, TOps.Add(TOps.Mul(c1, s1r), TOps.Mul(c2, s2r)));
                TV A1i = TOps.Add(a0i, TOps.Add(TOps.Mul(c1, s1i), TOps.Mul(c2, s2i)));
                TV U1r = TOps.Add(TOps.Mul(s1, d1r), TOps.Mul(s2, d2r));
                TV U1i = TOps.Add(TOps.Mul(s1, d1i), TOps.Mul(s2, d2i));
                TV A2r = TOps.Add(a0r, TOps.Add(TOps.Mul(c2, s1r), TOps.Mul(c1, s2r)));
                TV A2i = TOps.Add(a0i, TOps.Add(TOps.Mul(c2, s1i), TOps.Mul(c1, s2i)));
                TV U2r = TOps.Sub(TOps.Mul(s2, d1r), TOps.Mul(s1, d2r));
                TV U2i = TOps.Sub(TOps.Mul(s2, d1i), TOps.Mul(s1, d2i));

                TOps.Store(TOps.Add(a0r, TOps.Add(s1r, s2r)), ref yr, o);
                TOps.Store(TOps.Add(a0i, TOps.Add(s1i, s2i)), ref yi, o);
                StoreTwiddled<TOps, TV>(TOps.Add(A1r, U1i), TOps.Sub(A1i, U1r), w1r, w1i, ref yr, ref yi, o + ss);
                StoreTwiddled<TOps, TV>(TOps.Add(A2r, U2i), TOps.Sub(A2i, U2r), w2r, w2i, ref yr, ref yi, o + 2 * ss);
                StoreTwiddled<TOps, TV>(TOps.Sub(A2r, U2i), TOps.Add(A2i, U2r), w3r, w3i, ref yr, ref yi, o + 3 * ss);
                StoreTwiddled<TOps, TV>(TOps.Sub(A1r, U1i), TOps.Add(A1i, U1r), w4r, w4i, ref yr, ref yi, o + 4 * ss);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Radix7<TOps, TV>(FftStage st, ref float xr, ref float xi, ref float yr, ref float yi, int q0, int q1)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int s = st.Stride, m = st.M;
        nuint sm = (nuint)(s * m), ss = (nuint)s;
        TV c1 = TOps.Broadcast(C71), c2 = TOps.Broadcast(C72), c3 = TOps.Broadcast(C73);
        TV s1 = TOps.Broadcast(S71), s2 = TOps.Broadcast(S72), s3 = TOps.Broadcast(S73);
        for (int p = 0; p < m; p++)
        {
            int t = 6 * p;
            nuint i0 = (nuint)(s * p), o0 = (nuint)(7 * s * p);
            for (int q = q0; q < q1; q += TOps.Count)
            {
                nuint a = i0 + (nuint)q, o = o0 + (nuint)q;
                TV a0r = TOps.Load(ref xr, a), a0i = TOps.Load(ref xi, a);
                TV a1r = TOps.Load(ref xr, a + sm), a1i = TOps.Load(ref xi, a + sm);
                TV a2r = TOps.Load(ref xr, a + 2 * sm), a2i = TOps.Load(ref xi, a + 2 * sm);
                TV a3r = TOps.Load(ref xr, a + 3 * sm), a3i = TOps.Load(ref xi, a + 3 * sm);
                TV a4r = TOps.Load(ref xr, a + 4 * sm), a4i = TOps.Load(ref xi, a + 4 * sm);
                TV a5r = TOps.Load(ref xr, a + 5 * sm), a5i = TOps.Load(ref xi, a + 5 * sm);
                TV a6r = TOps.Load(ref xr, a + 6 * sm), a6i = TOps.Load(ref xi, a + 6 * sm);

                // Same pairing as radix 5 with three pairs; jk mod 7 picks the constant (cos is even, sin odd).
                TV s1r = TOps.Add(a1r, a6r), s1i = TOps.Add(a1i, a6i), d1r = TOps.Sub(a1r, a6r), d1i = TOps.Sub(a1i, a6i);
                TV s2r = TOps.Add(a2r, a5r), s2i = TOps.Add(a2i, a5i), d2r = TOps.Sub(a2r, a5r), d2i = TOps.Sub(a2i, a5i);
                TV s3r = TOps.Add(a3r, a4r), s3i = TOps.Add(a3i, a4i), d3r = TOps.Sub(a3r, a4r), d3i = TOps.Sub(a3i, a4i);

                // k = 1: (c1, c2, c3), (s1, s2, s3).
                TV A1r = TOps.Add(a0r, TOps.Add(TOps.Add(TOps.Mul(c1, s1r), TOps.Mul(c2, s2r)), TOps.Mul(c3, s3r)));
                TV A1i = TOps.Add(a0i, TOps.Add(TOps.Add(TOps.Mul(c1, s1i), TOps.Mul(c2, s2i)), TOps.Mul(c3, s3i)));
                TV U1r = TOps.Add(TOps.Add(TOps.Mul(s1, d1r), TOps.Mul(s2, d2r)), TOps.Mul(s3, d3r));
                TV U1i = TOps.Add(TOps.Add(TOps.Mul(s1, d1i), TOps.Mul(s2, d2i)), TOps.Mul(s3, d3i));

                // k = 2: jk = 2, 4, 6 → (c2, c3, c1), (s2, −s3, −s1).
                TV A2r = TOps.Add(a0r, TOps.Add(TOps.Add(TOps.Mul(c2, s1r), TOps.Mul(c3, s2r)), TOps.Mul(c1, s3r)));
                TV A2i = TOps.Add(a0i, TOps.Add(TOps.Add(TOps.Mul(c2, s1i), TOps.Mul(c3, s2i)), TOps.Mul(c1, s3i)));
                TV U2r = TOps.Sub(TOps.Sub(TOps.Mul(s2, d1r), TOps.Mul(s3, d2r)), TOps.Mul(s1, d3r));
                TV U2i = TOps.Sub(TOps.Sub(TOps.Mul(s2, d1i), TOps.Mul(s3, d2i)), TOps.Mul(s1, d3i));

                // k = 3: jk = 3, 6, 9 ≡ 2 → (c3, c1, c2), (s3, −s1, s2).
                TV A3r = TOps.Add(a0r, TOps.Add(TOps.Add(TOps.Mul(c3, s1r), TOps.Mul(c1, s2r)), TOps.Mul(c2, s3r)));
                TV A3i = TOps.Add(a0i, TOps.Add(TOps.Add(TOps.Mul(c3, s1i), TOps.Mul(c1, s2i)), TOps.Mul(c2, s3i)));
                TV U3r = TOps.Add(TOps.Sub(TOps.Mul(s3, d1r), TOps.Mul(s1, d2r)), TOps.Mul(s2, d3r));
                TV U3i = TOps.Add(TOps.Sub(TOps.Mul(s3, d1i), TOps.Mul(s1, d2i)), TOps.Mul(s2, d3i));

                TOps.Store(TOps.Add(a0r, TOps.Add(TOps.Add(s1r, s2r), s3r)), ref yr, o);
                TOps.Store(TOps.Add(a0i, TOps.Add(TOps.Add(s1i, s2i), s3i)), ref yi, o);
                StoreTwiddled<TOps, TV>(TOps.Add(A1r, U1i), TOps.Sub(A1i, U1r), Tw(st, t, 0, true), Tw(st, t, 0, false), ref yr, ref yi, o + ss);
                StoreTwiddled<TOps, TV>(TOps.Add(A2r, U2i), TOps.Sub(A2i, U2r), Tw(st, t, 1, true), Tw(st, t, 1, false), ref yr, ref yi, o + 2 * ss);
                StoreTwiddled<TOps, TV>(TOps.Add(A3r, U3i), TOps.Sub(A3i, U3r), Tw(st, t, 2, true), Tw(st, t, 2, false), ref yr, ref yi, o + 3 * ss);
                StoreTwiddled<TOps, TV>(TOps.Sub(A3r, U3i), TOps.Add(A3i, U3r), Tw(st, t, 3, true), Tw(st, t, 3, false), ref yr, ref yi, o + 4 * ss);
                StoreTwiddled<TOps, TV>(TOps.Sub(A2r, U2i), TOps.Add(A2i, U2r), Tw(st, t, 4, true), Tw(st, t, 4, false), ref yr, ref yi, o + 5 * ss);
                StoreTwiddled<TOps, TV>(TOps.Sub(A1r, U1i), TOps.Add(A1i, U1r), Tw(st, t, 5, true), Tw(st, t, 5, false), ref yr, ref yi, o + 6 * ss);
            }
        }

        // Radix 7 needs 12 twiddle registers; they are re-broadcast per butterfly to avoid register spills.
        static TV Tw(FftStage st, int t, int k, bool re) => TOps.Broadcast(re ? st.TwRe[t + k] : st.TwIm[t + k]);
    }
}
