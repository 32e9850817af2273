using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// Elementwise and reduction kernels of the CPU backend. Each public kernel dispatches to a vector path at the widest
/// width the CPU accelerates (<see cref="SimdWidths.Best"/>: 512, 256 or 128 bits — ARM64's NEON is 128) and otherwise
/// to its scalar twin (<c>…Scalar</c>), which the equivalence tests compare against at every width.
/// Plain elementwise operations (ReLU, multiply, axpy) call <c>TensorPrimitives</c>; the others (scale-shift and
/// a·x + b·y + c in one pass, masked ReLU backward, the max-pool rows) are written once over <see cref="ISimdOps{TV}"/>,
/// lanes = consecutive elements or windows, with the scalar tail. Every one of them is exact at any width (no rounding,
/// or one rounding per operation in the twin's order). Reductions stay hand-written with 8 float lanes (two 128-bit halves
/// where Vector256 is not accelerated) combined in one fixed order, so sums are the same on every machine and thread
/// count (TensorPrimitives.Sum's order depends on the vector width).
/// </summary>
internal static class CpuKernels
{
    /// <summary>True when the reductions run their Vector256 code (can be forced off for tests via DOTNET_EnableAVX=0).</summary>
    private static bool Use256 => Vector256.IsHardwareAccelerated;

    /// <summary>True when the reductions run their 128-bit twin of the Vector256 code (ARM64; x86 without AVX).</summary>
    private static bool Use128 => !Vector256.IsHardwareAccelerated && Vector128.IsHardwareAccelerated;

    /// <summary>True when any vector path runs (the elementwise kernels' TensorPrimitives calls included).</summary>
    private static bool UseVector => SimdWidths.Best != SimdWidth.Scalar;

    // ---- ScaleShift: y = x·scale + shift ----

    /// <summary>y[i] = x[i]·scale + shift (y may alias x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void ScaleShift(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        int i = SimdWidths.Best switch
        {
            SimdWidth.V512 => ScaleShift<Vector512<float>, Vec512Ops>(x, scale, shift, y),
            SimdWidth.V256 => ScaleShift<Vector256<float>, Vec256Ops>(x, scale, shift, y),
            SimdWidth.V128 => ScaleShift<Vector128<float>, Vec128Ops>(x, scale, shift, y),
            _ => 0,
        };
        ScaleShiftScalar(x[i..], scale, shift, y[i..]);
    }

    // Lanes: consecutive elements; multiply then add (not fused) to round exactly like the scalar twin. Returns the
    // elements done (whole registers); the caller's twin does the tail.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int ScaleShift<TV, TOps>(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        ref float xr = ref MemoryMarshal.GetReference(x); ref float yr = ref MemoryMarshal.GetReference(y);
        TV s = TOps.Broadcast(scale), t = TOps.Broadcast(shift);
        int i = 0;
        for (; i <= x.Length - TOps.Count; i += TOps.Count)
            TOps.Store(TOps.Add(TOps.Mul(TOps.Load(ref xr, (nuint)i), s), t), ref yr, (nuint)i);
        return i;
    }

    /// <summary>Scalar twin of <see cref="ScaleShift"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void ScaleShiftScalar(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * scale + shift;
    }

    // ---- AxpBypC: z = a·x + b·y + c ----

    /// <summary>z[i] = a·x[i] + b·y[i] + c (z may alias x or y).</summary>
    public static void AxpBypC(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, float b, float c, Span<float> z)
    {
        int i = SimdWidths.Best switch
        {
            SimdWidth.V512 => AxpBypC<Vector512<float>, Vec512Ops>(x, a, y, b, c, z),
            SimdWidth.V256 => AxpBypC<Vector256<float>, Vec256Ops>(x, a, y, b, c, z),
            SimdWidth.V128 => AxpBypC<Vector128<float>, Vec128Ops>(x, a, y, b, c, z),
            _ => 0,
        };
        AxpBypCScalar(x[i..], a, y[i..], b, c, z[i..]);
    }

    // Lanes: consecutive elements of x, y and z; a·x, then + b·y, then + c, each rounded (no fused multiply-add), the
    // scalar twin's order. Returns the elements done; the tail runs on the twin.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int AxpBypC<TV, TOps>(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, float b, float c, Span<float> z)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        ref float xr = ref MemoryMarshal.GetReference(x); ref float yr = ref MemoryMarshal.GetReference(y);
        ref float zr = ref MemoryMarshal.GetReference(z);
        TV va = TOps.Broadcast(a), vb = TOps.Broadcast(b), vc = TOps.Broadcast(c);
        int i = 0;
        for (; i <= x.Length - TOps.Count; i += TOps.Count)
        {
            TV ax = TOps.Mul(va, TOps.Load(ref xr, (nuint)i)), by = TOps.Mul(vb, TOps.Load(ref yr, (nuint)i));
            TOps.Store(TOps.Add(TOps.Add(ax, by), vc), ref zr, (nuint)i);
        }
        return i;
    }

    /// <summary>Scalar twin of <see cref="AxpBypC"/>.</summary>
    public static void AxpBypCScalar(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, float b, float c, Span<float> z)
    {
        for (int i = 0; i < x.Length; i++) z[i] = a * x[i] + b * y[i] + c;
    }

    // ---- ReLU ----

    /// <summary>y = max(x, 0); NaN stays NaN, −0 becomes +0 (y may alias x): TensorPrimitives.Max with 0, which propagates NaN.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        if (UseVector) TensorPrimitives.Max(x, 0f, y[..x.Length]);
        else ReluScalar(x, y);
    }

    /// <summary>Scalar twin of <see cref="Relu"/>.</summary>
    public static void ReluScalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0f || float.IsNaN(x[i]) ? x[i] : 0f;
    }

    /// <summary>dx = dy where y &gt; 0, else 0 (dx may alias dy).</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = SimdWidths.Best switch
        {
            SimdWidth.V512 => ReluBackward<Vector512<float>, Vec512Ops>(y, dy, dx),
            SimdWidth.V256 => ReluBackward<Vector256<float>, Vec256Ops>(y, dy, dx),
            SimdWidth.V128 => ReluBackward<Vector128<float>, Vec128Ops>(y, dy, dx),
            _ => 0,
        };
        ReluBackwardScalar(y[i..], dy[i..], dx[i..]);
    }

    // Lanes: consecutive elements; the compare gives all-ones where y > 0 (false for NaN and ±0), so the AND keeps dy there
    // and writes +0 elsewhere, as the twin does. Returns the elements done; the tail runs on the twin.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int ReluBackward<TV, TOps>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        ref float yr = ref MemoryMarshal.GetReference(y); ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        TV zero = TOps.Broadcast(0f);
        int i = 0;
        for (; i <= y.Length - TOps.Count; i += TOps.Count)
            TOps.Store(TOps.And(TOps.Load(ref dyr, (nuint)i), TOps.GreaterThan(TOps.Load(ref yr, (nuint)i), zero)), ref dxr, (nuint)i);
        return i;
    }

    /// <summary>Scalar twin of <see cref="ReluBackward"/>.</summary>
    public static void ReluBackwardScalar(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }

    // ---- Max-pool 2×2, stride 2 ----

    /// <summary>
    /// One output row of a 2×2, stride-2 max-pool: <c>y[i]</c> = max of <c>row0[2i], row0[2i+1], row1[2i], row1[2i+1]</c>,
    /// taken in that (scan) order with the rule of the general pool: a later value replaces the best only when it is
    /// strictly greater, or NaN while the best is not — so the result is the first maximum, and NaN wins.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void MaxPool2x2Row(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, Span<float> y)
    {
        // Rows of fewer windows than the widest register holds run at a narrower width (the lanes are independent, so any
        // width gives the twin's bits).
        if (row0.Length < 2 * y.Length || row1.Length < 2 * y.Length || !(SimdWidths.Fitting(y.Length) switch
            {
                SimdWidth.V512 => MaxPool2x2Row<Vector512<float>, Vec512Ops>(row0, row1, y),
                SimdWidth.V256 => MaxPool2x2Row<Vector256<float>, Vec256Ops>(row0, row1, y),
                SimdWidth.V128 => MaxPool2x2Row<Vector128<float>, Vec128Ops>(row0, row1, y),
                _ => false,
            }))
            MaxPool2x2RowScalar(row0, row1, y);
    }

    // Count windows per step: 2·Count input floats of each row, split into their even lanes (left column of each window)
    // and odd lanes (right column), then folded in scan order: top-left, top-right, bottom-left, bottom-right. A last step
    // that would pass the end starts at n − Count: it repeats windows already done, writing the same values. False (nothing
    // written) for rows of fewer than Count windows, which the twin does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static bool MaxPool2x2Row<TV, TOps>(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, Span<float> y)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        int n = y.Length, lanes = TOps.Count;
        if (n < lanes) return false;
        ref float r0 = ref MemoryMarshal.GetReference(row0); ref float r1 = ref MemoryMarshal.GetReference(row1);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (int step = 0; step < n; step += lanes)
        {
            int i = Math.Min(step, n - lanes);
            TOps.LoadDeinterleaved2(ref r0, (nuint)(2 * i), out TV a, out TV b);
            TOps.LoadDeinterleaved2(ref r1, (nuint)(2 * i), out TV c, out TV d);
            TOps.Store(Pick<TV, TOps>(Pick<TV, TOps>(Pick<TV, TOps>(a, b), c), d), ref yr, (nuint)i);
        }
        return true;
    }

    /// <summary>Scalar twin of <see cref="MaxPool2x2Row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void MaxPool2x2RowScalar(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            float best = row0[2 * i];
            best = Pick(best, row0[2 * i + 1]);
            best = Pick(best, row1[2 * i]);
            y[i] = Pick(best, row1[2 * i + 1]);
        }
    }

    // ---- 4×4 stride-4 max-pool (lachmish2016's first pool) ----

    /// <summary>
    /// One row of 4×4 stride-4 windows: y[q] = the first maximum (scan order row by row, left to right; NaN wins) of
    /// rows[0..3][4q .. 4q + 3]. <paramref name="rows"/> holds the four input rows back to back, <paramref name="stride"/>
    /// floats apart; every window must lie inside them (4·y.Length ≤ stride).
    /// </summary>
    public static void MaxPool4x4Row(ReadOnlySpan<float> rows, int stride, Span<float> y)
    {
        int q = rows.Length < 3 * stride + 4 * y.Length ? 0 : SimdWidths.Best switch
        {
            SimdWidth.V512 => MaxPool4x4Row<Vector512<float>, Vec512Ops>(rows, stride, y),
            SimdWidth.V256 => MaxPool4x4Row<Vector256<float>, Vec256Ops>(rows, stride, y),
            SimdWidth.V128 => MaxPool4x4Row<Vector128<float>, Vec128Ops>(rows, stride, y),
            _ => 0,
        };
        MaxPool4x4RowScalar(rows, stride, q, y);
    }

    // Lanes: Count windows per step. Each input row's 4·Count floats split into their four stride-4 phases (the window's
    // columns 0–3), then folded in scan order. Returns the windows done; the twin does the rest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int MaxPool4x4Row<TV, TOps>(ReadOnlySpan<float> rows, int stride, Span<float> y)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        ref float r = ref MemoryMarshal.GetReference(rows); ref float yr = ref MemoryMarshal.GetReference(y);
        int q = 0;
        for (; q <= y.Length - TOps.Count; q += TOps.Count)
        {
            TV best = default;
            for (int i = 0; i < 4; i++)
            {
                TOps.LoadDeinterleaved4(ref r, (nuint)(i * stride + 4 * q), out TV c0, out TV c1, out TV c2, out TV c3);
                best = i == 0 ? c0 : Pick<TV, TOps>(best, c0);
                best = Pick<TV, TOps>(Pick<TV, TOps>(Pick<TV, TOps>(best, c1), c2), c3);
            }
            TOps.Store(best, ref yr, (nuint)q);
        }
        return q;
    }

    /// <summary>Scalar twin of <see cref="MaxPool4x4Row"/> from window <paramref name="q0"/> on.</summary>
    public static void MaxPool4x4RowScalar(ReadOnlySpan<float> rows, int stride, int q0, Span<float> y)
    {
        for (int q = q0; q < y.Length; q++)
        {
            float best = rows[4 * q];
            for (int i = 0; i < 4; i++)
                for (int j = i == 0 ? 1 : 0; j < 4; j++) best = Pick(best, rows[i * stride + 4 * q + j]);
            y[q] = best;
        }
    }

    /// <summary>
    /// Backward of <see cref="MaxPool4x4Row"/>: dx (same layout as rows) gets 0 + dy[q] at window q's first maximum and
    /// 0 at its other fifteen positions — every position of every window is written, so dx needs no clearing there.
    /// </summary>
    public static void MaxPool4x4RowBackward(ReadOnlySpan<float> rows, int stride, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int q = rows.Length < 3 * stride + 4 * dy.Length || dx.Length < 3 * stride + 4 * dy.Length ? 0 : SimdWidths.Best switch
        {
            SimdWidth.V512 => MaxPool4x4RowBackward<Vector512<float>, Vec512Ops>(rows, stride, dy, dx),
            SimdWidth.V256 => MaxPool4x4RowBackward<Vector256<float>, Vec256Ops>(rows, stride, dy, dx),
            SimdWidth.V128 => MaxPool4x4RowBackward<Vector128<float>, Vec128Ops>(rows, stride, dy, dx),
            _ => 0,
        };
        MaxPool4x4RowBackwardScalar(rows, stride, q, dy, dx);
    }

    // Lanes: Count windows per step. Returns the windows done; the twin does the rest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int MaxPool4x4RowBackward<TV, TOps>(ReadOnlySpan<float> rows, int stride, ReadOnlySpan<float> dy, Span<float> dx)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        ref float r = ref MemoryMarshal.GetReference(rows); ref float dr = ref MemoryMarshal.GetReference(dx);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        TV zero = TOps.Broadcast(0f);
        int q = 0;
        for (; q <= dy.Length - TOps.Count; q += TOps.Count)
        {
            // 1. The scan, keeping per lane the position (0–15, as a float) of the last candidate that took over.
            TV best = default, at = zero;
            for (int i = 0; i < 4; i++)
            {
                TOps.LoadDeinterleaved4(ref r, (nuint)(i * stride + 4 * q), out TV c0, out TV c1, out TV c2, out TV c3);
                if (i == 0) best = c0;
                else TakeAt<TV, TOps>(c0, 4f * i, ref best, ref at);
                TakeAt<TV, TOps>(c1, 4f * i + 1, ref best, ref at); TakeAt<TV, TOps>(c2, 4f * i + 2, ref best, ref at);
                TakeAt<TV, TOps>(c3, 4f * i + 3, ref best, ref at);
            }
            // 2. 0 + g at the winner (−0 becomes +0, as adding onto a cleared dx does), 0 elsewhere; rows interleaved back.
            TV g = TOps.Add(TOps.Load(ref gr, (nuint)q), zero);
            for (int i = 0; i < 4; i++)
                TOps.StoreInterleaved4(
                    TOps.Select(TOps.Equal(at, TOps.Broadcast(4f * i)), g, zero),
                    TOps.Select(TOps.Equal(at, TOps.Broadcast(4f * i + 1)), g, zero),
                    TOps.Select(TOps.Equal(at, TOps.Broadcast(4f * i + 2)), g, zero),
                    TOps.Select(TOps.Equal(at, TOps.Broadcast(4f * i + 3)), g, zero),
                    ref dr, (nuint)(i * stride + 4 * q));
        }
        return q;
    }

    /// <summary>Scalar twin of <see cref="MaxPool4x4RowBackward"/> from window <paramref name="q0"/> on.</summary>
    public static void MaxPool4x4RowBackwardScalar(ReadOnlySpan<float> rows, int stride, int q0, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int q = q0; q < dy.Length; q++)
        {
            int win = 0; float best = rows[4 * q];
            for (int i = 0; i < 4; i++)
                for (int j = i == 0 ? 1 : 0; j < 4; j++)
                    if (Takes(rows[i * stride + 4 * q + j], best)) { best = rows[i * stride + 4 * q + j]; win = 4 * i + j; }
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) dx[i * stride + 4 * q + j] = 4 * i + j == win ? 0f + dy[q] : 0f;
        }
    }

    // ---- Backward of one row of 2×2 windows of BatchNorm → ReLU → max-pool ----

    /// <summary>
    /// The fused BatchNorm → ReLU → 2×2 max-pool backward for one row of windows. z0/z1 are the two normalised input
    /// rows (z = x·scale + shift, as the forward computed them), x0/x1 the same rows of x, dy the pooled gradient row.
    /// For window q: the first maximum of z in scan order (top-left, top-right, bottom-left, bottom-right; NaN wins, as
    /// the max-pool's rule) gets dy[q] if that maximum is &gt; 0 (ReLU passed it) and every other position gets 0, in
    /// dx0/dx1 (columns 0 … 2·dy.Length − 1 are all written). gm[q] = dy[q] where the gradient landed, else 0, and
    /// xm[q] = x at that position, else 0: the caller's sums Σg and Σg·(x − mean) then need no branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void PoolBackwardRow(ReadOnlySpan<float> z0, ReadOnlySpan<float> z1, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1,
        ReadOnlySpan<float> dy, Span<float> dx0, Span<float> dx1, Span<float> gm, Span<float> xm)
    {
        int n = dy.Length;
        bool fits = z0.Length >= 2 * n && z1.Length >= 2 * n && x0.Length >= 2 * n && x1.Length >= 2 * n
            && dx0.Length >= 2 * n && dx1.Length >= 2 * n && gm.Length >= n && xm.Length >= n;
        if (!fits || !(SimdWidths.Fitting(n) switch
            {
                SimdWidth.V512 => PoolBackwardRow<Vector512<float>, Vec512Ops>(z0, z1, x0, x1, dy, dx0, dx1, gm, xm),
                SimdWidth.V256 => PoolBackwardRow<Vector256<float>, Vec256Ops>(z0, z1, x0, x1, dy, dx0, dx1, gm, xm),
                SimdWidth.V128 => PoolBackwardRow<Vector128<float>, Vec128Ops>(z0, z1, x0, x1, dy, dx0, dx1, gm, xm),
                _ => false,
            }))
            PoolBackwardRowScalar(z0, z1, x0, x1, dy, dx0, dx1, gm, xm);
    }

    // Lanes: Count windows per step. Each row's 2·Count floats split into even lanes (left column of each window) and odd
    // lanes (right column); the scan keeps, per lane, which of the four candidates replaced the best last. A last step that
    // would pass the end starts at n − Count: it repeats windows already done, writing the same values. False (nothing
    // written) for rows of fewer than Count windows, which the twin does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static bool PoolBackwardRow<TV, TOps>(ReadOnlySpan<float> z0, ReadOnlySpan<float> z1, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1,
        ReadOnlySpan<float> dy, Span<float> dx0, Span<float> dx1, Span<float> gm, Span<float> xm)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        int n = dy.Length, lanes = TOps.Count;
        if (n < lanes) return false;
        ref float rz0 = ref MemoryMarshal.GetReference(z0); ref float rz1 = ref MemoryMarshal.GetReference(z1);
        ref float rx0 = ref MemoryMarshal.GetReference(x0); ref float rx1 = ref MemoryMarshal.GetReference(x1);
        ref float rdy = ref MemoryMarshal.GetReference(dy);
        ref float rd0 = ref MemoryMarshal.GetReference(dx0); ref float rd1 = ref MemoryMarshal.GetReference(dx1);
        ref float rgm = ref MemoryMarshal.GetReference(gm); ref float rxm = ref MemoryMarshal.GetReference(xm);
        TV zero = TOps.Broadcast(0f);
        for (int step = 0; step < n; step += lanes)
        {
            int q = Math.Min(step, n - lanes);
            nuint at = (nuint)(2 * q);
            TOps.LoadDeinterleaved2(ref rz0, at, out TV za, out TV zb);
            TOps.LoadDeinterleaved2(ref rz1, at, out TV zc, out TV zd);
            // 1–2. The scan and which of the four positions won.
            TV best = Scan2x2<TV, TOps>(za, zb, zc, zd, out TV isA, out TV isB, out TV isC, out TV isD);
            // 3. The gradient lands only where ReLU passed the maximum (best > 0; false for NaN).
            TV g = TOps.Select(TOps.GreaterThan(best, zero), TOps.Load(ref rdy, (nuint)q), zero);
            TOps.Store(g, ref rgm, (nuint)q);
            TOps.LoadDeinterleaved2(ref rx0, at, out TV xa, out TV xb);
            TOps.LoadDeinterleaved2(ref rx1, at, out TV xc, out TV xd);
            TV xw = TOps.Select(isA, xa, TOps.Select(isB, xb, TOps.Select(isC, xc, xd)));
            TOps.Store(TOps.Select(TOps.Equal(g, zero), zero, xw), ref rxm, (nuint)q);
            // 4. dz per position, interleaved back to the rows' order.
            TOps.StoreInterleaved2(TOps.And(g, isA), TOps.And(g, isB), ref rd0, at);
            TOps.StoreInterleaved2(TOps.And(g, isC), TOps.And(g, isD), ref rd1, at);
        }
        return true;
    }

    /// <summary>Scalar twin of <see cref="PoolBackwardRow"/>: one window at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void PoolBackwardRowScalar(ReadOnlySpan<float> z0, ReadOnlySpan<float> z1, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1,
        ReadOnlySpan<float> dy, Span<float> dx0, Span<float> dx1, Span<float> gm, Span<float> xm)
    {
        for (int q = 0; q < dy.Length; q++)
        {
            int l = 2 * q, r = 2 * q + 1;
            int best = Winner2x2(z0[l], z0[r], z1[l], z1[r], out float bestV);
            float g = bestV > 0f ? dy[q] : 0f;
            gm[q] = g;
            xm[q] = g == 0f ? 0f : best switch { 0 => x0[l], 1 => x0[r], 2 => x1[l], _ => x1[r] };
            dx0[l] = best == 0 ? g : 0f; dx0[r] = best == 1 ? g : 0f;
            dx1[l] = best == 2 ? g : 0f; dx1[r] = best == 3 ? g : 0f;
        }
    }

    /// <summary>
    /// The first maximum of four candidates per lane in scan order a, b, c, d (each take mask is "strictly greater, or NaN
    /// over a number", as Pick), and which position won: the last take, a when none took.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Scan2x2<TV, TOps>(TV a, TV b, TV c, TV d, out TV isA, out TV isB, out TV isC, out TV isD)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        TV takeB = Takes<TV, TOps>(b, a), best = TOps.Select(takeB, b, a);
        TV takeC = Takes<TV, TOps>(c, best); best = TOps.Select(takeC, c, best);
        TV takeD = Takes<TV, TOps>(d, best); best = TOps.Select(takeD, d, best);
        isD = takeD; isC = TOps.AndNot(takeC, takeD);
        isB = TOps.AndNot(TOps.AndNot(takeB, takeC), takeD);
        isA = TOps.Not(TOps.Or(TOps.Or(takeB, takeC), takeD));
        return best;
    }

    /// <summary>
    /// Backward of <see cref="MaxPool2x2Row"/>: dx0/dx1 (the two input rows' gradients) get 0 + dy[q] at window q's first
    /// maximum (NaN wins) and 0 at its other three positions; columns 0 … 2·dy.Length − 1 are all written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void MaxPool2x2RowBackward(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, ReadOnlySpan<float> dy, Span<float> dx0, Span<float> dx1)
    {
        int n = dy.Length;
        bool fits = row0.Length >= 2 * n && row1.Length >= 2 * n && dx0.Length >= 2 * n && dx1.Length >= 2 * n;
        if (!fits || !(SimdWidths.Fitting(n) switch
            {
                SimdWidth.V512 => MaxPool2x2RowBackward<Vector512<float>, Vec512Ops>(row0, row1, dy, dx0, dx1),
                SimdWidth.V256 => MaxPool2x2RowBackward<Vector256<float>, Vec256Ops>(row0, row1, dy, dx0, dx1),
                SimdWidth.V128 => MaxPool2x2RowBackward<Vector128<float>, Vec128Ops>(row0, row1, dy, dx0, dx1),
                _ => false,
            }))
            MaxPool2x2RowBackwardScalar(row0, row1, 0, dy, dx0, dx1);
    }

    // Lanes: Count windows per step, as in MaxPool2x2Row (a last step that would pass the end starts at n − Count); the
    // winner masks route 0 + g (−0 becomes +0, as adding onto a cleared dx does) back to the rows' order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static bool MaxPool2x2RowBackward<TV, TOps>(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, ReadOnlySpan<float> dy, Span<float> dx0, Span<float> dx1)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        int n = dy.Length, lanes = TOps.Count;
        if (n < lanes) return false;
        ref float r0 = ref MemoryMarshal.GetReference(row0); ref float r1 = ref MemoryMarshal.GetReference(row1);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float d0 = ref MemoryMarshal.GetReference(dx0); ref float d1 = ref MemoryMarshal.GetReference(dx1);
        for (int step = 0; step < n; step += lanes)
        {
            int q = Math.Min(step, n - lanes);
            nuint at = (nuint)(2 * q);
            TOps.LoadDeinterleaved2(ref r0, at, out TV a, out TV b);
            TOps.LoadDeinterleaved2(ref r1, at, out TV c, out TV d);
            Scan2x2<TV, TOps>(a, b, c, d, out TV isA, out TV isB, out TV isC, out TV isD);
            TV g = TOps.Add(TOps.Load(ref gr, (nuint)q), TOps.Broadcast(0f));
            TOps.StoreInterleaved2(TOps.And(g, isA), TOps.And(g, isB), ref d0, at);
            TOps.StoreInterleaved2(TOps.And(g, isC), TOps.And(g, isD), ref d1, at);
        }
        return true;
    }

    /// <summary>Scalar twin of <see cref="MaxPool2x2RowBackward"/> from window <paramref name="q0"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void MaxPool2x2RowBackwardScalar(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, int q0, ReadOnlySpan<float> dy, Span<float> dx0, Span<float> dx1)
    {
        for (int q = q0; q < dy.Length; q++)
        {
            int l = 2 * q, r = l + 1, win = Winner2x2(row0[l], row0[r], row1[l], row1[r], out _);
            float g = 0f + dy[q];
            dx0[l] = win == 0 ? g : 0f; dx0[r] = win == 1 ? g : 0f; dx1[l] = win == 2 ? g : 0f; dx1[r] = win == 3 ? g : 0f;
        }
    }

    /// <summary>The max-pool rule (<see cref="Kernels.Nn.PoolRule.Takes"/>, shared with the GPU kernels) for every CPU pooling path.</summary>
    internal static bool Takes(float v, float best) => Kernels.Nn.PoolRule.Takes(v, best);

    /// <summary>The running maximum after <paramref name="v"/> under <see cref="Takes(float, float)"/>.</summary>
    internal static float Pick(float best, float v) => Takes(v, best) ? v : best;

    /// <summary>Scalar twin of <see cref="Scan2x2"/>: the winning position (0–3) in scan order a, b, c, d, and its value.</summary>
    private static int Winner2x2(float a, float b, float c, float d, out float best)
    {
        int win = 0; best = a;
        if (Takes(b, best)) { best = b; win = 1; }
        if (Takes(c, best)) { best = c; win = 2; }
        if (Takes(d, best)) { best = d; win = 3; }
        return win;
    }

    /// <summary>One step of a vector window scan: lanes where <paramref name="v"/> takes over record position <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeAt<TV, TOps>(TV v, float position, ref TV best, ref TV at) where TV : struct where TOps : struct, ISimdOps<TV>
    {
        TV take = Takes<TV, TOps>(v, best);
        best = TOps.Select(take, v, best);
        at = TOps.Select(take, TOps.Broadcast(position), at);
    }

    /// <summary><see cref="Takes(float, float)"/> per lane: v &gt; best, or v is NaN and best is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Takes<TV, TOps>(TV v, TV best) where TV : struct where TOps : struct, ISimdOps<TV> =>
        TOps.Or(TOps.GreaterThan(v, best), TOps.AndNot(TOps.IsNaN(v), TOps.IsNaN(best)));

    /// <summary><see cref="Pick(float, float)"/> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Pick<TV, TOps>(TV best, TV v) where TV : struct where TOps : struct, ISimdOps<TV> =>
        TOps.Select(Takes<TV, TOps>(v, best), v, best);

    // ---- Multiply ----

    /// <summary>z = x·y elementwise (z may alias x or y): TensorPrimitives.Multiply.</summary>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        if (UseVector) TensorPrimitives.Multiply(x, y[..x.Length], z[..x.Length]);
        else MultiplyScalar(x, y, z);
    }

    /// <summary>Scalar twin of <see cref="Multiply"/>.</summary>
    public static void MultiplyScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        for (int i = 0; i < x.Length; i++) z[i] = x[i] * y[i];
    }

    // ---- Axpy: y += a·x ----

    /// <summary>y[i] += a·x[i]: TensorPrimitives.MultiplyAdd(x, a, y) (multiply then add, not fused, so vector and scalar round alike).</summary>
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        if (UseVector) TensorPrimitives.MultiplyAdd(x, a, y[..x.Length], y[..x.Length]);
        else AxpyScalar(a, x, y);
    }

    /// <summary>Scalar twin of <see cref="Axpy"/>.</summary>
    public static void AxpyScalar(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    // ---- Dot and Sum: 8 partial sums in lanes, combined in a fixed order ----
    // Without Vector256 (ARM64, x86 without AVX) the 8 lanes are two Vector128 halves — lo holds elements i..i+3 of each
    // 8-element step, hi i+4..i+7 — and every lane adds the same elements in the same order: bit-equal to the Vector256 path.

    /// <summary>Σ x[i]·y[i] in float: lane j sums elements i ≡ j (mod 8), then lanes are added 0..7, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (!(Use256 || Use128) || x.Length < 8) return DotScalar(x, y);
        ref float xr = ref MemoryMarshal.GetReference(x); ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float s;
        if (Use256)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= x.Length - 8; i += 8)
                acc += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
            s = HorizontalSum(acc);
        }
        else
        {
            Vector128<float> lo = default, hi = default;
            for (; i <= x.Length - 8; i += 8)
            {
                lo += Vector128.LoadUnsafe(ref xr, (nuint)i) * Vector128.LoadUnsafe(ref yr, (nuint)i);
                hi += Vector128.LoadUnsafe(ref xr, (nuint)i + 4) * Vector128.LoadUnsafe(ref yr, (nuint)i + 4);
            }
            s = HorizontalSum(lo, hi);
        }
        for (; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>Scalar twin of <see cref="Dot"/> (sequential order).</summary>
    public static float DotScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>Σ x[i] in float, lane-blocked like <see cref="Dot"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static float Sum(ReadOnlySpan<float> x)
    {
        if (!(Use256 || Use128) || x.Length < 8) return SumScalar(x);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int i = 0;
        float s;
        if (Use256)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= x.Length - 8; i += 8) acc += Vector256.LoadUnsafe(ref xr, (nuint)i);
            s = HorizontalSum(acc);
        }
        else
        {
            Vector128<float> lo = default, hi = default;
            for (; i <= x.Length - 8; i += 8)
            {
                lo += Vector128.LoadUnsafe(ref xr, (nuint)i);
                hi += Vector128.LoadUnsafe(ref xr, (nuint)i + 4);
            }
            s = HorizontalSum(lo, hi);
        }
        for (; i < x.Length; i++) s += x[i];
        return s;
    }

    /// <summary>Scalar twin of <see cref="Sum"/>.</summary>
    public static float SumScalar(ReadOnlySpan<float> x)
    {
        float s = 0f;
        foreach (float v in x) s += v;
        return s;
    }

    /// <summary>Lanes added in index order 0..7 (deterministic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalSum(Vector256<float> v) => HorizontalSum(v.GetLower(), v.GetUpper());

    /// <summary>The 8 lanes of (lo, hi) added in index order 0..7, as <see cref="HorizontalSum(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalSum(Vector128<float> lo, Vector128<float> hi)
    {
        float s = lo.GetElement(0);
        for (int j = 1; j < 4; j++) s += lo.GetElement(j);
        for (int j = 0; j < 4; j++) s += hi.GetElement(j);
        return s;
    }

    // ---- double-precision reductions (BatchNorm statistics) ----
    // Vector path: 16 floats per step widened to 4 × Vector256<double> accumulators (lane j of accumulator a holds the
    // elements ≡ 4a + j mod 16), so four independent dependency chains keep the adders busy; the accumulators are then
    // added in a fixed order (a0 + a1 + a2 + a3, lanes 0..3) and the tail (length mod 16) follows in index order. The
    // result is deterministic (no dependence on threads) and differs from the sequential scalar twin only by double
    // rounding (relative ~1e-15), far below the float precision the statistics are used at. Without Vector256 each
    // accumulator is a (lo, hi) pair of Vector128<double> (lanes 0–1 and 2–3), added in the same order: bit-equal.

    /// <summary>Σ x in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static double SumDouble(ReadOnlySpan<float> x)
    {
        if (!(Use256 || Use128) || x.Length < 16) return SumDoubleScalar(x);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s;
        if (Use256)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= x.Length - 16; i += 16)
            {
                var (l0, h0) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                var (l1, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i + 8));
                a0 += l0; a1 += h0; a2 += l1; a3 += h1;
            }
            s = HorizontalSum(a0 + a1 + (a2 + a3));
        }
        else
        {
            Vector128<double> a0l = default, a0h = default, a1l = default, a1h = default,
                a2l = default, a2h = default, a3l = default, a3h = default;
            for (; i <= x.Length - 16; i += 16)
            {
                Widen16(ref xr, i, out var l0, out var h0, out var l1, out var h1, out var l2, out var h2, out var l3, out var h3);
                a0l += l0; a0h += h0; a1l += l1; a1h += h1; a2l += l2; a2h += h2; a3l += l3; a3h += h3;
            }
            s = HorizontalSum(a0l + a1l + (a2l + a3l), a0h + a1h + (a2h + a3h));
        }
        for (; i < x.Length; i++) s += x[i];
        return s;
    }

    /// <summary>Scalar twin of <see cref="SumDouble"/>: sequential order.</summary>
    public static double SumDoubleScalar(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (float v in x) s += v;
        return s;
    }

    /// <summary>Σ (x − mean)² in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static double SumSquaredDeviation(ReadOnlySpan<float> x, double mean)
    {
        if (!(Use256 || Use128) || x.Length < 16) return SumSquaredDeviationScalar(x, mean);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s;
        if (Use256)
        {
            var m = Vector256.Create(mean);
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= x.Length - 16; i += 16)
            {
                var (l0, h0) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                var (l1, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i + 8));
                var d0 = l0 - m; var d1 = h0 - m; var d2 = l1 - m; var d3 = h1 - m;
                a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
            }
            s = HorizontalSum(a0 + a1 + (a2 + a3));
        }
        else
        {
            var m = Vector128.Create(mean);
            Vector128<double> a0l = default, a0h = default, a1l = default, a1h = default,
                a2l = default, a2h = default, a3l = default, a3h = default;
            for (; i <= x.Length - 16; i += 16)
            {
                Widen16(ref xr, i, out var l0, out var h0, out var l1, out var h1, out var l2, out var h2, out var l3, out var h3);
                a0l += Square(l0 - m); a0h += Square(h0 - m); a1l += Square(l1 - m); a1h += Square(h1 - m);
                a2l += Square(l2 - m); a2h += Square(h2 - m); a3l += Square(l3 - m); a3h += Square(h3 - m);
            }
            s = HorizontalSum(a0l + a1l + (a2l + a3l), a0h + a1h + (a2h + a3h));
        }
        for (; i < x.Length; i++) { double d = x[i] - mean; s += d * d; }
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Square(Vector128<double> d) => d * d;

    /// <summary>x[i..i+15] widened to double, two lanes per register: (l0, h0) = elements 0–1 and 2–3, (l1, h1) = 4–7, …</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen16(ref float xr, int i, out Vector128<double> l0, out Vector128<double> h0, out Vector128<double> l1,
        out Vector128<double> h1, out Vector128<double> l2, out Vector128<double> h2, out Vector128<double> l3, out Vector128<double> h3)
    {
        (l0, h0) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i));
        (l1, h1) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i + 4));
        (l2, h2) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i + 8));
        (l3, h3) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i + 12));
    }

    /// <summary>Scalar twin of <see cref="SumSquaredDeviation"/>: sequential order.</summary>
    public static double SumSquaredDeviationScalar(ReadOnlySpan<float> x, double mean)
    {
        double s = 0;
        foreach (float v in x) { double d = v - mean; s += d * d; }
        return s;
    }

    /// <summary>(Σ dy, Σ dy·(x − mean)) in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static (double SumDy, double SumDyCentered) SumAndDotCentered(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, double mean)
    {
        if (x.Length < dy.Length) throw new ArgumentException($"x has {x.Length} values, dy {dy.Length}", nameof(x));
        if (!(Use256 || Use128) || dy.Length < 8) return SumAndDotCenteredScalar(dy, x, mean);
        ref float gr = ref MemoryMarshal.GetReference(dy); ref float xr = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s, sx;
        if (Use256)
        {
            var m = Vector256.Create(mean);
            // 8 elements per step: two accumulators for Σdy, two for Σdy·(x − mean) (lanes as above, modulo 8).
            Vector256<double> s0 = default, s1 = default, p0 = default, p1 = default;
            for (; i <= dy.Length - 8; i += 8)
            {
                var (gl, gh) = Vector256.Widen(Vector256.LoadUnsafe(ref gr, (nuint)i));
                var (xl, xh) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                s0 += gl; s1 += gh;
                p0 += gl * (xl - m); p1 += gh * (xh - m);
            }
            s = HorizontalSum(s0 + s1); sx = HorizontalSum(p0 + p1);
        }
        else
        {
            var m = Vector128.Create(mean);
            Vector128<double> s0l = default, s0h = default, s1l = default, s1h = default,
                p0l = default, p0h = default, p1l = default, p1h = default;
            for (; i <= dy.Length - 8; i += 8)
            {
                var (g0, g1) = Vector128.Widen(Vector128.LoadUnsafe(ref gr, (nuint)i));
                var (g2, g3) = Vector128.Widen(Vector128.LoadUnsafe(ref gr, (nuint)i + 4));
                var (x0, x1) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i));
                var (x2, x3) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i + 4));
                s0l += g0; s0h += g1; s1l += g2; s1h += g3;
                p0l += g0 * (x0 - m); p0h += g1 * (x1 - m); p1l += g2 * (x2 - m); p1h += g3 * (x3 - m);
            }
            s = HorizontalSum(s0l + s1l, s0h + s1h); sx = HorizontalSum(p0l + p1l, p0h + p1h);
        }
        for (; i < dy.Length; i++) { s += dy[i]; sx += dy[i] * (x[i] - mean); }
        return (s, sx);
    }

    /// <summary>Scalar twin of <see cref="SumAndDotCentered"/>: sequential order.</summary>
    public static (double SumDy, double SumDyCentered) SumAndDotCenteredScalar(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, double mean)
    {
        double s = 0, sx = 0;
        for (int i = 0; i < dy.Length; i++) { s += dy[i]; sx += dy[i] * (x[i] - mean); }
        return (s, sx);
    }

    /// <summary>Lanes of <see cref="AddWindowSums"/>: window q of a row goes to lane q mod 8.</summary>
    public const int WindowLanes = 8;

    /// <summary>
    /// Adds Σg and Σg·(x − mean) of one row of pooled windows to 8 double lanes (<paramref name="sums"/>,
    /// <paramref name="centered"/>): window q to lane q mod 8, whole groups of 8 in vector registers (two of 4 lanes at
    /// 256 bits, four of 2 at 128), the rest one by one; each lane's additions come in the same order on every width, with
    /// a separate multiply and add (no fusion), so <see cref="AddWindowSumsScalar"/> gives the same bits. The caller folds
    /// the lanes in order once per channel. Replaces one dependent chain of additions per channel, which was ≈ 6 % of a
    /// <c>default</c> training profile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void AddWindowSums(ReadOnlySpan<float> g, ReadOnlySpan<float> x, double mean, Span<double> sums, Span<double> centered)
    {
        if (x.Length < g.Length || sums.Length < WindowLanes || centered.Length < WindowLanes)
            throw new ArgumentException("x must cover g, and sums and centered hold 8 lanes");
        int n = g.Length, q = 0;
        ref float gr = ref MemoryMarshal.GetReference(g); ref float xr = ref MemoryMarshal.GetReference(x);
        ref double sr = ref MemoryMarshal.GetReference(sums); ref double cr = ref MemoryMarshal.GetReference(centered);
        if (Use256 && n >= 8)
        {
            var m = Vector256.Create(mean);
            Vector256<double> s0 = Vector256.LoadUnsafe(ref sr), s1 = Vector256.LoadUnsafe(ref sr, 4);
            Vector256<double> c0 = Vector256.LoadUnsafe(ref cr), c1 = Vector256.LoadUnsafe(ref cr, 4);
            for (; q <= n - 8; q += 8)
            {
                var (gl, gh) = Vector256.Widen(Vector256.LoadUnsafe(ref gr, (nuint)q));
                var (xl, xh) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)q));
                s0 += gl; s1 += gh;
                c0 += gl * (xl - m); c1 += gh * (xh - m);
            }
            s0.StoreUnsafe(ref sr); s1.StoreUnsafe(ref sr, 4);
            c0.StoreUnsafe(ref cr); c1.StoreUnsafe(ref cr, 4);
        }
        else if (Use128 && n >= 8)
        {
            var m = Vector128.Create(mean);
            Vector128<double> s0 = Vector128.LoadUnsafe(ref sr), s1 = Vector128.LoadUnsafe(ref sr, 2), s2 = Vector128.LoadUnsafe(ref sr, 4), s3 = Vector128.LoadUnsafe(ref sr, 6);
            Vector128<double> c0 = Vector128.LoadUnsafe(ref cr), c1 = Vector128.LoadUnsafe(ref cr, 2), c2 = Vector128.LoadUnsafe(ref cr, 4), c3 = Vector128.LoadUnsafe(ref cr, 6);
            for (; q <= n - 8; q += 8)
            {
                var (g0, g1) = Vector128.Widen(Vector128.LoadUnsafe(ref gr, (nuint)q));
                var (g2, g3) = Vector128.Widen(Vector128.LoadUnsafe(ref gr, (nuint)q + 4));
                var (x0, x1) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)q));
                var (x2, x3) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)q + 4));
                s0 += g0; s1 += g1; s2 += g2; s3 += g3;
                c0 += g0 * (x0 - m); c1 += g1 * (x1 - m); c2 += g2 * (x2 - m); c3 += g3 * (x3 - m);
            }
            s0.StoreUnsafe(ref sr); s1.StoreUnsafe(ref sr, 2); s2.StoreUnsafe(ref sr, 4); s3.StoreUnsafe(ref sr, 6);
            c0.StoreUnsafe(ref cr); c1.StoreUnsafe(ref cr, 2); c2.StoreUnsafe(ref cr, 4); c3.StoreUnsafe(ref cr, 6);
        }
        // The rest by the twin: q is a multiple of 8 here, so window q + i still goes to lane i mod 8.
        AddWindowSumsScalar(g[q..], x[q..], mean, sums, centered);
    }

    /// <summary>Scalar twin of <see cref="AddWindowSums"/>: the 8 lanes as 8 accumulators, window by window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void AddWindowSumsScalar(ReadOnlySpan<float> g, ReadOnlySpan<float> x, double mean, Span<double> sums, Span<double> centered)
    {
        for (int q = 0; q < g.Length; q++)
        {
            double gv = g[q];
            sums[q & 7] += gv;
            centered[q & 7] += gv * (x[q] - mean);
        }
    }

    /// <summary>Lanes added in index order 0..3 (deterministic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double HorizontalSum(Vector256<double> v) => HorizontalSum(v.GetLower(), v.GetUpper());

    /// <summary>The 4 lanes of (lo, hi) added in index order, as <see cref="HorizontalSum(Vector256{double})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double HorizontalSum(Vector128<double> lo, Vector128<double> hi) =>
        lo.GetElement(0) + lo.GetElement(1) + hi.GetElement(0) + hi.GetElement(1);
}
