using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The dense backward works on blocks of input features (and of outputs for dw); each element must still sum its terms
/// in whole-row order — bit for bit what one Axpy per sample (dw) or per output (dx) over whole rows gives — and agree
/// with a double-precision oracle. Sizes cross the block edges (5000 inputs: two full blocks and a partial one; 300
/// outputs: a full and a partial row block), at 1 and 2 threads.
/// </summary>
public sealed class DenseBlockingTests
{
    [Theory]
    [InlineData(3, 5000, 300, 1)]
    [InlineData(3, 5000, 300, 2)]
    [InlineData(5, 37, 10, 2)]      // one partial block, as `default`'s head
    public void BackwardMatchesWholeRowOrderBitForBitAndTheOracle(int n, int inF, int outF, int threads)
    {
        var rng = new Random(inF + outF);
        float[] R(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        float[] x = R(n * inF), w = R(outF * inF), dy = R(n * outF);
        using var b = new CpuBackend(threads);
        using var tx = b.FromHost(x, new Shape(n, inF)); using var tw = b.FromHost(w, new Shape(outF, inF));
        using var tdy = b.FromHost(dy, new Shape(n, outF));
        using var dx = b.Allocate(tx.Shape); using var dw = b.Allocate(tw.Shape); using var db = b.Allocate(new Shape(outF));
        b.DenseBackward(tx, tw, tdy, dx, dw, db);

        var dwRows = new float[outF * inF]; var dxRows = new float[n * inF];
        for (int o = 0; o < outF; o++)
            for (int s = 0; s < n; s++) CpuKernels.Axpy(dy[s * outF + o], x.AsSpan(s * inF, inF), dwRows.AsSpan(o * inF, inF));
        for (int s = 0; s < n; s++)
            for (int o = 0; o < outF; o++) CpuKernels.Axpy(dy[s * outF + o], w.AsSpan(o * inF, inF), dxRows.AsSpan(s * inF, inF));
        Assert.Equal(Bits(dwRows), Bits(dw.ToArray()));
        Assert.Equal(Bits(dxRows), Bits(dx.ToArray()));

        var dxs = dx.ToArray(); var dws = dw.ToArray();
        for (int s = 0; s < n; s++)
            for (int i = 0; i < inF; i += 97)
            {
                double e = 0;
                for (int o = 0; o < outF; o++) e += (double)dy[s * outF + o] * w[o * inF + i];
                Assert.Equal(e, dxs[s * inF + i], 1e-4);
            }
        for (int o = 0; o < outF; o += 7)
            for (int i = 0; i < inF; i += 101)
            {
                double e = 0;
                for (int s = 0; s < n; s++) e += (double)dy[s * outF + o] * x[s * inF + i];
                Assert.Equal(e, dws[o * inF + i], 1e-5);
            }
    }

    private static int[] Bits(float[] v) => [.. v.Select(BitConverter.SingleToInt32Bits)];
}
