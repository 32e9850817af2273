using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

internal sealed partial class CpuBackend
{
    private const int Chunk = 1 << 15; // elements per parallel work item for elementwise ops

    /// <inheritdoc />
    public void ReluForward(Tensor x, Tensor y)
    {
        Same(x, y, "ReluForward");
        var xs = D(x); var ys = D(y);
        Chunks(x.Length, (o, n) => CpuKernels.Relu(xs.AsSpan(o, n), ys.AsSpan(o, n)));
    }

    /// <inheritdoc />
    public void ReluBackward(Tensor y, Tensor dy, Tensor dx)
    {
        Same(y, dy, "ReluBackward"); Same(y, dx, "ReluBackward");
        var ys = D(y); var dys = D(dy); var dxs = D(dx);
        Chunks(y.Length, (o, n) => CpuKernels.ReluBackward(ys.AsSpan(o, n), dys.AsSpan(o, n), dxs.AsSpan(o, n)));
    }

    /// <inheritdoc />
    public void DropoutForward(Tensor x, float keepProbability, ulong seed, Tensor mask, Tensor y)
    {
        Same(x, mask, "DropoutForward"); Same(x, y, "DropoutForward");
        Require(keepProbability > 0 && keepProbability <= 1, "DropoutForward", $"keep probability {keepProbability} must be in (0, 1].");
        var xs = D(x); var ms = D(mask); var ys = D(y);
        float scale = 1f / keepProbability;
        Chunks(x.Length, (o, n) =>
        {
            for (int i = o; i < o + n; i++) ms[i] = DropoutMask.Keep(seed, i, keepProbability) ? scale : 0f;
            CpuKernels.Multiply(xs.AsSpan(o, n), ms.AsSpan(o, n), ys.AsSpan(o, n));
        });
    }

    /// <inheritdoc />
    public void DropoutBackward(Tensor dy, Tensor mask, Tensor dx)
    {
        Same(dy, mask, "DropoutBackward"); Same(dy, dx, "DropoutBackward");
        var dys = D(dy); var ms = D(mask); var dxs = D(dx);
        Chunks(dy.Length, (o, n) => CpuKernels.Multiply(dys.AsSpan(o, n), ms.AsSpan(o, n), dxs.AsSpan(o, n)));
    }

    /// <inheritdoc />
    public double SumOfSquares(Tensor x)
    {
        double s = 0;
        foreach (float v in S(x)) s += (double)v * v;
        return s;
    }

    /// <inheritdoc />
    public void Scale(Tensor x, float factor)
    {
        var xs = D(x);
        Chunks(x.Length, (o, n) => CpuKernels.ScaleShift(xs.AsSpan(o, n), factor, 0f, xs.AsSpan(o, n)));
    }

    /// <summary>Splits [0, length) into fixed chunks (independent of the thread count) and runs them in parallel.</summary>
    private void Chunks(int length, Action<int, int> body)
    {
        int count = (length + Chunk - 1) / Chunk;
        For(count, k => body(k * Chunk, Math.Min(Chunk, length - k * Chunk)));
    }

    private static void Same(Tensor a, Tensor b, string op) =>
        Require(a.Length == b.Length, op, $"tensors {a.Shape} and {b.Shape} must have the same size.");
}
