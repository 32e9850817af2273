using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// Elementwise and reduction kernels of the CPU backend. Each public kernel dispatches to a vector path when
/// accelerated and otherwise to its scalar twin (<c>…Scalar</c>), which the equivalence tests compare against.
/// Plain elementwise operations (ReLU, multiply, axpy) call <c>TensorPrimitives</c>, which uses the widest
/// vectors the CPU has (Vector512 on AVX-512); the others (scale-shift and a·x + b·y + c in one pass, masked ReLU backward) are Vector256 loops of 8 floats per lane group with
/// the scalar tail. Reductions stay hand-written: their lanes are combined in one fixed order, so sums are the same on
/// every machine and thread count (TensorPrimitives.Sum's order depends on the vector width).
/// </summary>
internal static class CpuKernels
{
    /// <summary>True when the Vector256 paths run (can be forced off for tests via DOTNET_EnableAVX=0).</summary>
    public static bool UseVector => Vector256.IsHardwareAccelerated;

    // ---- ScaleShift: y = x·scale + shift ----

    /// <summary>y[i] = x[i]·scale + shift (y may alias x).</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        int i = 0;
        if (UseVector)
        {
            ref float xr = ref MemoryMarshal.GetReference(x); ref float yr = ref MemoryMarshal.GetReference(y);
            var s = Vector256.Create(scale); var t = Vector256.Create(shift);
            // Lanes: 8 consecutive elements; multiply then add (not fused) to round exactly like the scalar twin.
            for (; i <= x.Length - 8; i += 8)
                (Vector256.LoadUnsafe(ref xr, (nuint)i) * s + t).StoreUnsafe(ref yr, (nuint)i);
        }
        ScaleShiftScalar(x[i..], scale, shift, y[i..]);
    }

    /// <summary>Scalar twin of <see cref="ScaleShift"/>.</summary>
    public static void ScaleShiftScalar(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * scale + shift;
    }

    // ---- AxpBypC: z = a·x + b·y + c ----

    /// <summary>z[i] = a·x[i] + b·y[i] + c (z may alias x or y).</summary>
    public static void AxpBypC(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, float b, float c, Span<float> z)
    {
        int i = 0;
        if (UseVector)
        {
            ref float xr = ref MemoryMarshal.GetReference(x); ref float yr = ref MemoryMarshal.GetReference(y);
            ref float zr = ref MemoryMarshal.GetReference(z);
            var va = Vector256.Create(a); var vb = Vector256.Create(b); var vc = Vector256.Create(c);
            // Lanes: 8 consecutive elements of x, y and z; a·x, then + b·y, then + c, each rounded (no fused multiply-add),
            // the scalar twin's order. The tail (fewer than 8) runs on the twin.
            for (; i <= x.Length - 8; i += 8)
                (va * Vector256.LoadUnsafe(ref xr, (nuint)i) + vb * Vector256.LoadUnsafe(ref yr, (nuint)i) + vc).StoreUnsafe(ref zr, (nuint)i);
        }
        AxpBypCScalar(x[i..], a, y[i..], b, c, z[i..]);
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
        int i = 0;
        if (UseVector)
        {
            ref float yr = ref MemoryMarshal.GetReference(y); ref float dyr = ref MemoryMarshal.GetReference(dy);
            ref float dxr = ref MemoryMarshal.GetReference(dx);
            // Lanes: 8 consecutive elements; the compare gives all-ones where y > 0 (false for NaN and ±0), so the AND keeps
            // dy there and writes +0 elsewhere, as the twin does. The tail (fewer than 8) runs on the twin.
            for (; i <= y.Length - 8; i += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref dyr, (nuint)i) & mask).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        ReluBackwardScalar(y[i..], dy[i..], dx[i..]);
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
    public static void MaxPool2x2Row(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, Span<float> y)
    {
        int n = y.Length;
        if (UseVector && n >= 8 && row0.Length >= 2 * n && row1.Length >= 2 * n)
        {
            ref float r0 = ref MemoryMarshal.GetReference(row0); ref float r1 = ref MemoryMarshal.GetReference(row1);
            ref float yr = ref MemoryMarshal.GetReference(y);
            // 8 windows per step: 16 input floats of each row, split into their even lanes (left column of each window)
            // and odd lanes (right column), then folded in scan order: top-left, top-right, bottom-left, bottom-right.
            // A last step that would pass the end starts at n − 8: it repeats windows already done, writing the same values.
            for (int step = 0; step < n; step += 8)
            {
                int i = Math.Min(step, n - 8);
                var a0 = Vector256.LoadUnsafe(ref r0, (nuint)(2 * i)); var a1 = Vector256.LoadUnsafe(ref r0, (nuint)(2 * i + 8));
                var b0 = Vector256.LoadUnsafe(ref r1, (nuint)(2 * i)); var b1 = Vector256.LoadUnsafe(ref r1, (nuint)(2 * i + 8));
                var best = Pick(Even(a0, a1), Odd(a0, a1));
                best = Pick(best, Even(b0, b1));
                Pick(best, Odd(b0, b1)).StoreUnsafe(ref yr, (nuint)i);
            }
            return;
        }
        MaxPool2x2RowScalar(row0, row1, y);
    }

    /// <summary>Scalar twin of <see cref="MaxPool2x2Row"/>.</summary>
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
        int q = 0;
        if (UseVector && rows.Length >= 3 * stride + 4 * y.Length)
        {
            ref float r = ref MemoryMarshal.GetReference(rows); ref float yr = ref MemoryMarshal.GetReference(y);
            // Lanes: 8 windows per step. Each input row's 32 floats split into their four stride-4 phases (the window's
            // columns 0–3), then folded in scan order.
            for (; q <= y.Length - 8; q += 8)
            {
                Vector256<float> best = default;
                for (int i = 0; i < 4; i++)
                {
                    Vec256Ops.LoadDeinterleaved4(ref r, (nuint)(i * stride + 4 * q), out var c0, out var c1, out var c2, out var c3);
                    best = i == 0 ? c0 : Pick(best, c0);
                    best = Pick(Pick(Pick(best, c1), c2), c3);
                }
                best.StoreUnsafe(ref yr, (nuint)q);
            }
        }
        MaxPool4x4RowScalar(rows, stride, q, y);
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
        int q = 0;
        if (UseVector && rows.Length >= 3 * stride + 4 * dy.Length && dx.Length >= 3 * stride + 4 * dy.Length)
        {
            ref float r = ref MemoryMarshal.GetReference(rows); ref float dr = ref MemoryMarshal.GetReference(dx);
            ref float gr = ref MemoryMarshal.GetReference(dy);
            var zero = Vector256<float>.Zero;
            for (; q <= dy.Length - 8; q += 8)
            {
                // 1. The scan, keeping per lane the position (0–15, as a float) of the last candidate that took over.
                Vector256<float> best = default, at = zero;
                for (int i = 0; i < 4; i++)
                {
                    Vec256Ops.LoadDeinterleaved4(ref r, (nuint)(i * stride + 4 * q), out var c0, out var c1, out var c2, out var c3);
                    if (i == 0) best = c0;
                    else TakeAt(c0, 4f * i, ref best, ref at);
                    TakeAt(c1, 4f * i + 1, ref best, ref at); TakeAt(c2, 4f * i + 2, ref best, ref at); TakeAt(c3, 4f * i + 3, ref best, ref at);
                }
                // 2. 0 + g at the winner (−0 becomes +0, as adding onto a cleared dx does), 0 elsewhere; rows interleaved back.
                var g = Vector256.LoadUnsafe(ref gr, (nuint)q) + zero;
                for (int i = 0; i < 4; i++)
                    Vec256Ops.StoreInterleaved4(
                        Vector256.ConditionalSelect(Vector256.Equals(at, Vector256.Create(4f * i)), g, zero),
                        Vector256.ConditionalSelect(Vector256.Equals(at, Vector256.Create(4f * i + 1)), g, zero),
                        Vector256.ConditionalSelect(Vector256.Equals(at, Vector256.Create(4f * i + 2)), g, zero),
                        Vector256.ConditionalSelect(Vector256.Equals(at, Vector256.Create(4f * i + 3)), g, zero),
                        ref dr, (nuint)(i * stride + 4 * q));
            }
        }
        MaxPool4x4RowBackwardScalar(rows, stride, q, dy, dx);
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
    public static void PoolBackwardRow(ReadOnlySpan<float> z0, ReadOnlySpan<float> z1, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1,
        ReadOnlySpan<float> dy, Span<float> dx0, Span<float> dx1, Span<float> gm, Span<float> xm)
    {
        int n = dy.Length;
        if (UseVector && n >= 8 && z0.Length >= 2 * n && z1.Length >= 2 * n && x0.Length >= 2 * n && x1.Length >= 2 * n
            && dx0.Length >= 2 * n && dx1.Length >= 2 * n && gm.Length >= n && xm.Length >= n)
        {
            ref float rz0 = ref MemoryMarshal.GetReference(z0); ref float rz1 = ref MemoryMarshal.GetReference(z1);
            ref float rx0 = ref MemoryMarshal.GetReference(x0); ref float rx1 = ref MemoryMarshal.GetReference(x1);
            ref float rdy = ref MemoryMarshal.GetReference(dy);
            ref float rd0 = ref MemoryMarshal.GetReference(dx0); ref float rd1 = ref MemoryMarshal.GetReference(dx1);
            ref float rgm = ref MemoryMarshal.GetReference(gm); ref float rxm = ref MemoryMarshal.GetReference(xm);
            var zero = Vector256<float>.Zero;
            // Lanes: 8 windows per step. Each row's 16 floats split into even lanes (left column of each window) and odd
            // lanes (right column); the scan keeps, per lane, which of the four candidates replaced the best last. A last
            // step that would pass the end starts at n − 8: it repeats windows already done, writing the same values.
            for (int step = 0; step < n; step += 8)
            {
                int q = Math.Min(step, n - 8);
                nuint at = (nuint)(2 * q);
                var za0 = Vector256.LoadUnsafe(ref rz0, at); var za1 = Vector256.LoadUnsafe(ref rz0, at + 8);
                var zb0 = Vector256.LoadUnsafe(ref rz1, at); var zb1 = Vector256.LoadUnsafe(ref rz1, at + 8);
                // 1–2. The scan and which of the four positions won.
                var best = Scan2x2(Even(za0, za1), Odd(za0, za1), Even(zb0, zb1), Odd(zb0, zb1), out var isA, out var isB, out var isC, out var isD);
                // 3. The gradient lands only where ReLU passed the maximum (best > 0; false for NaN).
                var g = Vector256.ConditionalSelect(Vector256.GreaterThan(best, zero), Vector256.LoadUnsafe(ref rdy, (nuint)q), zero);
                g.StoreUnsafe(ref rgm, (nuint)q);
                var xa0 = Vector256.LoadUnsafe(ref rx0, at); var xa1 = Vector256.LoadUnsafe(ref rx0, at + 8);
                var xb0 = Vector256.LoadUnsafe(ref rx1, at); var xb1 = Vector256.LoadUnsafe(ref rx1, at + 8);
                var xw = Vector256.ConditionalSelect(isA, Even(xa0, xa1), Vector256.ConditionalSelect(isB, Odd(xa0, xa1),
                    Vector256.ConditionalSelect(isC, Even(xb0, xb1), Odd(xb0, xb1))));
                Vector256.ConditionalSelect(Vector256.Equals(g, zero), zero, xw).StoreUnsafe(ref rxm, (nuint)q);
                // 4. dz per position, interleaved back to the rows' order.
                StoreInterleaved2(g & isA, g & isB, ref rd0, at);
                StoreInterleaved2(g & isC, g & isD, ref rd1, at);
            }
            return;
        }
        PoolBackwardRowScalar(z0, z1, x0, x1, dy, dx0, dx1, gm, xm);
    }

    /// <summary>Scalar twin of <see cref="PoolBackwardRow"/>: one window at a time.</summary>
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
    private static Vector256<float> Scan2x2(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d,
        out Vector256<float> isA, out Vector256<float> isB, out Vector256<float> isC, out Vector256<float> isD)
    {
        var takeB = Takes(b, a); var best = Vector256.ConditionalSelect(takeB, b, a);
        var takeC = Takes(c, best); best = Vector256.ConditionalSelect(takeC, c, best);
        var takeD = Takes(d, best); best = Vector256.ConditionalSelect(takeD, d, best);
        isD = takeD; isC = Vector256.AndNot(takeC, takeD);
        isB = Vector256.AndNot(Vector256.AndNot(takeB, takeC), takeD);
        isA = ~(takeB | takeC | takeD);
        return best;
    }

    /// <summary>
    /// Backward of <see cref="MaxPool2x2Row"/>: dx0/dx1 (the two input rows' gradients) get 0 + dy[q] at window q's first
    /// maximum (NaN wins) and 0 at its other three positions; columns 0 … 2·dy.Length − 1 are all written.
    /// </summary>
    public static void MaxPool2x2RowBackward(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, ReadOnlySpan<float> dy, Span<float> dx0, Span<float> dx1)
    {
        int n = dy.Length;
        if (UseVector && n >= 8 && row0.Length >= 2 * n && row1.Length >= 2 * n && dx0.Length >= 2 * n && dx1.Length >= 2 * n)
        {
            ref float r0 = ref MemoryMarshal.GetReference(row0); ref float r1 = ref MemoryMarshal.GetReference(row1);
            ref float gr = ref MemoryMarshal.GetReference(dy);
            ref float d0 = ref MemoryMarshal.GetReference(dx0); ref float d1 = ref MemoryMarshal.GetReference(dx1);
            // Lanes: 8 windows per step, as in MaxPool2x2Row (a last step that would pass the end starts at n − 8); the
            // winner masks route 0 + g (−0 becomes +0, as adding onto a cleared dx does) back to the rows' order.
            for (int step = 0; step < n; step += 8)
            {
                int q = Math.Min(step, n - 8);
                nuint at = (nuint)(2 * q);
                var a0 = Vector256.LoadUnsafe(ref r0, at); var a1 = Vector256.LoadUnsafe(ref r0, at + 8);
                var b0 = Vector256.LoadUnsafe(ref r1, at); var b1 = Vector256.LoadUnsafe(ref r1, at + 8);
                Scan2x2(Even(a0, a1), Odd(a0, a1), Even(b0, b1), Odd(b0, b1), out var isA, out var isB, out var isC, out var isD);
                var g = Vector256.LoadUnsafe(ref gr, (nuint)q) + Vector256<float>.Zero;
                StoreInterleaved2(g & isA, g & isB, ref d0, at);
                StoreInterleaved2(g & isC, g & isD, ref d1, at);
            }
            return;
        }
        MaxPool2x2RowBackwardScalar(row0, row1, 0, dy, dx0, dx1);
    }

    /// <summary>Scalar twin of <see cref="MaxPool2x2RowBackward"/> from window <paramref name="q0"/> on.</summary>
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
    private static void TakeAt(Vector256<float> v, float position, ref Vector256<float> best, ref Vector256<float> at)
    {
        var take = Takes(v, best);
        best = Vector256.ConditionalSelect(take, v, best);
        at = Vector256.ConditionalSelect(take, Vector256.Create(position), at);
    }

    /// <summary><see cref="Takes(float, float)"/> per lane: v &gt; best, or v is NaN (v ≠ v) and best is not.</summary>
    private static Vector256<float> Takes(Vector256<float> v, Vector256<float> best) =>
        Vector256.GreaterThan(v, best) | Vector256.AndNot(~Vector256.Equals(v, v), ~Vector256.Equals(best, best));

    /// <summary>dst[index + 2·l] = even[l], dst[index + 2·l + 1] = odd[l] for the 8 lanes (16 floats).</summary>
    private static void StoreInterleaved2(Vector256<float> even, Vector256<float> odd, ref float dst, nuint index)
    {
        Vector256.Shuffle(Vector256.Create(even.GetLower(), odd.GetLower()), Interleave).StoreUnsafe(ref dst, index);
        Vector256.Shuffle(Vector256.Create(even.GetUpper(), odd.GetUpper()), Interleave).StoreUnsafe(ref dst, index + 8);
    }

    private static readonly Vector256<int> Interleave = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);

    /// <summary><see cref="Pick(float, float)"/> per lane.</summary>
    private static Vector256<float> Pick(Vector256<float> best, Vector256<float> v) => Vector256.ConditionalSelect(Takes(v, best), v, best);

    private static readonly Vector256<int> EvenLanes = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
    private static readonly Vector256<int> OddLanes = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);

    /// <summary>Lanes 0, 2, 4, 6 of <paramref name="a"/> then of <paramref name="b"/>.</summary>
    private static Vector256<float> Even(Vector256<float> a, Vector256<float> b) =>
        Vector256.Create(Vector256.Shuffle(a, EvenLanes).GetLower(), Vector256.Shuffle(b, EvenLanes).GetLower());

    /// <summary>Lanes 1, 3, 5, 7 of <paramref name="a"/> then of <paramref name="b"/>.</summary>
    private static Vector256<float> Odd(Vector256<float> a, Vector256<float> b) =>
        Vector256.Create(Vector256.Shuffle(a, OddLanes).GetLower(), Vector256.Shuffle(b, OddLanes).GetLower());

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

    /// <summary>Σ x[i]·y[i] in float: lane j sums elements i ≡ j (mod 8), then lanes are added 0..7, then the tail.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (!UseVector || x.Length < 8) return DotScalar(x, y);
        ref float xr = ref MemoryMarshal.GetReference(x); ref float yr = ref MemoryMarshal.GetReference(y);
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i <= x.Length - 8; i += 8)
            acc += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
        float s = HorizontalSum(acc);
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
    public static float Sum(ReadOnlySpan<float> x)
    {
        if (!UseVector || x.Length < 8) return SumScalar(x);
        ref float xr = ref MemoryMarshal.GetReference(x);
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i <= x.Length - 8; i += 8) acc += Vector256.LoadUnsafe(ref xr, (nuint)i);
        float s = HorizontalSum(acc);
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
    public static float HorizontalSum(Vector256<float> v)
    {
        float s = v.GetElement(0);
        for (int j = 1; j < 8; j++) s += v.GetElement(j);
        return s;
    }

    // ---- double-precision reductions (BatchNorm statistics) ----
    // Vector path: 16 floats per step widened to 4 × Vector256<double> accumulators (lane j of accumulator a holds the
    // elements ≡ 4a + j mod 16), so four independent dependency chains keep the adders busy; the accumulators are then
    // added in a fixed order (a0 + a1 + a2 + a3, lanes 0..3) and the tail (length mod 16) follows in index order. The
    // result is deterministic (no dependence on threads) and differs from the sequential scalar twin only by double
    // rounding (relative ~1e-15), far below the float precision the statistics are used at.

    /// <summary>Σ x in double.</summary>
    public static double SumDouble(ReadOnlySpan<float> x)
    {
        if (!UseVector || x.Length < 16) return SumDoubleScalar(x);
        ref float xr = ref MemoryMarshal.GetReference(x);
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
        int i = 0;
        for (; i <= x.Length - 16; i += 16)
        {
            var (l0, h0) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
            var (l1, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i + 8));
            a0 += l0; a1 += h0; a2 += l1; a3 += h1;
        }
        double s = HorizontalSum(a0 + a1 + (a2 + a3));
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
    public static double SumSquaredDeviation(ReadOnlySpan<float> x, double mean)
    {
        if (!UseVector || x.Length < 16) return SumSquaredDeviationScalar(x, mean);
        ref float xr = ref MemoryMarshal.GetReference(x);
        var m = Vector256.Create(mean);
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
        int i = 0;
        for (; i <= x.Length - 16; i += 16)
        {
            var (l0, h0) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
            var (l1, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i + 8));
            var d0 = l0 - m; var d1 = h0 - m; var d2 = l1 - m; var d3 = h1 - m;
            a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
        }
        double s = HorizontalSum(a0 + a1 + (a2 + a3));
        for (; i < x.Length; i++) { double d = x[i] - mean; s += d * d; }
        return s;
    }

    /// <summary>Scalar twin of <see cref="SumSquaredDeviation"/>: sequential order.</summary>
    public static double SumSquaredDeviationScalar(ReadOnlySpan<float> x, double mean)
    {
        double s = 0;
        foreach (float v in x) { double d = v - mean; s += d * d; }
        return s;
    }

    /// <summary>(Σ dy, Σ dy·(x − mean)) in double.</summary>
    public static (double SumDy, double SumDyCentered) SumAndDotCentered(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, double mean)
    {
        if (x.Length < dy.Length) throw new ArgumentException($"x has {x.Length} values, dy {dy.Length}", nameof(x));
        if (!UseVector || dy.Length < 8) return SumAndDotCenteredScalar(dy, x, mean);
        ref float gr = ref MemoryMarshal.GetReference(dy); ref float xr = ref MemoryMarshal.GetReference(x);
        var m = Vector256.Create(mean);
        // 8 elements per step: two accumulators for Σdy, two for Σdy·(x − mean) (lanes as above, modulo 8).
        Vector256<double> s0 = default, s1 = default, p0 = default, p1 = default;
        int i = 0;
        for (; i <= dy.Length - 8; i += 8)
        {
            var (gl, gh) = Vector256.Widen(Vector256.LoadUnsafe(ref gr, (nuint)i));
            var (xl, xh) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
            s0 += gl; s1 += gh;
            p0 += gl * (xl - m); p1 += gh * (xh - m);
        }
        double s = HorizontalSum(s0 + s1), sx = HorizontalSum(p0 + p1);
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

    /// <summary>Lanes added in index order 0..3 (deterministic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double HorizontalSum(Vector256<double> v) => v.GetElement(0) + v.GetElement(1) + v.GetElement(2) + v.GetElement(3);
}
