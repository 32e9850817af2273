using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Kernels.Nn;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

internal sealed partial class GpuBackend
{
    /// <inheritdoc />
    public void DenseForward(Tensor x, Tensor w, Tensor? b, Tensor y)
    {
        var (n, inputs, outputs) = DenseSizes(x, w, y, "DenseForward");
        if (b is not null) Require(b.Length == outputs, "DenseForward", $"bias {b.Shape} must have {outputs} values.");
        ConvGemm(ConvGemmMode.Forward, DenseAsConv(n, inputs, outputs), V(x), V(w), V(y), b is null ? V(w) : V(b), V(y), b is null ? 0 : 1);
    }

    /// <inheritdoc />
    public void DenseBackward(Tensor x, Tensor w, Tensor dy, Tensor? dx, Tensor dw, Tensor? db)
    {
        var (n, inputs, outputs) = DenseSizes(x, w, dy, "DenseBackward");
        Require(dw.Length == w.Length, "DenseBackward", $"dw {dw.Shape} must match w {w.Shape}.");
        if (dx is not null)
        {
            Require(dx.Length == x.Length, "DenseBackward", $"dx {dx.Shape} must match x {x.Shape}.");
            ConvGemm(ConvGemmMode.BackwardData, DenseAsConv(n, inputs, outputs), V(x), V(w), V(dy), V(w), V(dx), 0);
        }
        ConvGemm(ConvGemmMode.BackwardWeight, DenseAsConv(n, inputs, outputs), V(x), V(w), V(dy), V(w), V(dw), 0);
        if (db is not null)
        {
            Require(db.Length == outputs, "DenseBackward", $"db {db.Shape} must have {outputs} values.");
            _denseBackwardBias(L(outputs), V(dy), V(db), n, outputs, L(outputs));
        }
    }

    /// <inheritdoc />
    public void Softmax(Tensor logits, Tensor probs)
    {
        var (n, k) = Rows(logits, probs, "Softmax");
        _softmax(L(n), V(logits), V(probs), Scratch<int>(1), Scratch<float>(1), n, k, 0, L(n));
    }

    /// <inheritdoc />
    public float SoftmaxCrossEntropyForward(Tensor logits, ReadOnlySpan<int> labels, Tensor probs)
    {
        var (n, k) = Rows(logits, probs, "SoftmaxCrossEntropyForward");
        var rowLoss = Scratch<float>(n);
        _softmax(L(n), V(logits), V(probs), Labels(labels, n, k, "SoftmaxCrossEntropyForward"), rowLoss, n, k, 1, L(n));

        // The N row losses come back (the one host transfer of a step) and are averaged in double, in order.
        double total = 0;
        foreach (float l in DeviceScratch.Download(rowLoss)) total += l;
        return (float)(total / n);
    }

    /// <inheritdoc />
    public void SoftmaxCrossEntropyBackward(Tensor probs, ReadOnlySpan<int> labels, Tensor dlogits)
    {
        var (n, k) = Rows(probs, dlogits, "SoftmaxCrossEntropyBackward");
        _softmaxBackward(L(probs.Length), V(probs), Labels(labels, n, k, "SoftmaxCrossEntropyBackward"), V(dlogits), n, k, 1f / n, L(probs.Length));
    }

    // A Linear layer is a 1 × 1 convolution of a 1 × 1 image: x [N, In, 1, 1], w [Out, In, 1, 1], y [N, Out, 1, 1], so the
    // tiled convolution GEMM serves it (forward: m = o, col = n, k = i; data gradient: m = i; weight gradient: k = n).
    private static ConvParams DenseAsConv(int n, int inputs, int outputs) => new(n, inputs, 1, 1, outputs, 1, 1, 1, 1, 0, 0, 1, 1);

    private ArrayView<int> Labels(ReadOnlySpan<int> labels, int n, int k, string op)
    {
        Require(labels.Length == n, op, $"{labels.Length} labels for {n} rows.");
        for (int r = 0; r < n; r++)
            if ((uint)labels[r] >= (uint)k)
                throw new ArgumentOutOfRangeException(nameof(labels), $"{op}: label {labels[r]} at {r} is outside 0..{k - 1}.");
        return _scratch.Upload(labels);
    }

    private static (int N, int K) Rows(Tensor a, Tensor b, string op)
    {
        Require(a.Shape.Rank == 2 && b.Length == a.Length, op, $"{a.Shape} and {b.Shape} must be equal [N, K].");
        return (a.Shape.N, a.Shape[1]);
    }

    // x [N, In], w [Out, In], y [N, Out].
    private static (int N, int In, int Out) DenseSizes(Tensor x, Tensor w, Tensor y, string op)
    {
        Require(w.Shape.Rank == 2, op, $"w {w.Shape} must be [Out, In].");
        int outputs = w.Shape[0], inputs = w.Shape[1];
        Require(inputs > 0 && x.Length % inputs == 0, op, $"x {x.Shape} is not [N, {inputs}].");
        int n = x.Length / inputs;
        Require(y.Length == n * outputs, op, $"y/dy {y.Shape} must be [{n},{outputs}].");
        return (n, inputs, outputs);
    }
}
