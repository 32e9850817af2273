using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

internal sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void DenseForward(Tensor x, Tensor w, Tensor? b, Tensor y)
    {
        // x [N, In], w [Out, In], b [Out], y [N, Out]: one work item per output feature, a SIMD dot per sample.
        var (n, inF, outF) = DenseDims(x, w, b, y, "DenseForward");
        var xs = D(x); var ws = D(w); var bs = b is null ? null : D(b); var ys = D(y);
        For(outF, o =>
        {
            var wRow = ws.AsSpan(o * inF, inF);
            float bias = bs is null ? 0f : bs[o];
            for (int s = 0; s < n; s++) ys[s * outF + o] = CpuKernels.Dot(xs.AsSpan(s * inF, inF), wRow) + bias;
        });
    }

    /// <inheritdoc />
    public void DenseBackward(Tensor x, Tensor w, Tensor dy, Tensor? dx, Tensor dw, Tensor? db)
    {
        var (n, inF, outF) = DenseDims(x, w, db, dy, "DenseBackward");
        Require(dw.Length == w.Length, "DenseBackward", $"dw {dw.Shape} must match w {w.Shape}.");
        Require(dx is null || dx.Length == x.Length, "DenseBackward", $"dx {dx?.Shape} must match x {x.Shape}.");
        var xs = D(x); var ws = D(w); var dys = D(dy); var dws = D(dw);
        // 1. dw[o, :] = Σₙ dy[n, o]·x[n, :] (rows of dw are independent work items; samples added in order).
        For(outF, o =>
        {
            var row = dws.AsSpan(o * inF, inF);
            row.Clear();
            for (int s = 0; s < n; s++) CpuKernels.Axpy(dys[s * outF + o], xs.AsSpan(s * inF, inF), row);
        });
        // 2. db[o] = Σₙ dy[n, o].
        if (db is not null)
        {
            var dbs = D(db);
            for (int o = 0; o < outF; o++)
            {
                float acc = 0f;
                for (int s = 0; s < n; s++) acc += dys[s * outF + o];
                dbs[o] = acc;
            }
        }
        // 3. dx[n, :] = Σₒ dy[n, o]·w[o, :] (per sample, outputs added in order).
        if (dx is not null)
        {
            var dxs = D(dx);
            For(n, s =>
            {
                var row = dxs.AsSpan(s * inF, inF);
                row.Clear();
                for (int o = 0; o < outF; o++) CpuKernels.Axpy(dys[s * outF + o], ws.AsSpan(o * inF, inF), row);
            });
        }
    }

    private static (int N, int In, int Out) DenseDims(Tensor x, Tensor w, Tensor? b, Tensor y, string op)
    {
        Require(x.Shape.Rank == 2 && w.Shape.Rank == 2, op, $"expects x [N, In] and w [Out, In], got {x.Shape} and {w.Shape}.");
        int n = x.Shape.N, inF = x.Shape[1], outF = w.Shape[0];
        Require(w.Shape[1] == inF, op, $"w {w.Shape} does not take {inF} inputs (x {x.Shape}).");
        Require(b is null || b.Length == outF, op, $"bias {b?.Shape} must have {outF} elements.");
        Require(y.Length == n * outF, op, $"output {y.Shape} must be [{n}, {outF}].");
        return (n, inF, outF);
    }
}
