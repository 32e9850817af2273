using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The fused BatchNorm → ReLU → 2×2 max-pool against (a) its scalar twins, bit for bit, and (b) the three unfused
/// operations it replaces: the forwards bit for bit (same statistics code, same rounding, same first-maximum/NaN rule),
/// the backward to within the last bits of the double sums (the fused one sums only where the pooled gradient lands).
/// Data with few distinct values, so that ties inside windows are common; γ of both signs (a negative γ turns the window's
/// minimum of x into its maximum of z); odd sizes (floor mode drops the last row and column).
/// </summary>
public sealed class BatchNormReluPoolTests
{
    public static TheoryData<int, int, int, int> Shapes() => new()
    {
        { 2, 3, 8, 10 },
        { 3, 4, 17, 35 },   // odd: the last row and column are in the statistics but in no window
        { 2, 2, 2, 2 },     // one window per plane
        { 1, 3, 6, 2090 },  // rows longer than the on-stack buffers (2·W, 3·W > 4096 floats → pooled arrays)
    };

    [Theory, MemberData(nameof(Shapes))]
    public void EvalForwardMatchesScalarTwinAndUnfusedBitForBit(int n, int c, int h, int w)
    {
        using var b = new CpuBackend(2);
        var d = new Data(b, n, c, h, w, seed: h * w, withNaN: true);
        using var fused = b.Allocate(d.Pooled); using var twin = b.Allocate(d.Pooled);
        b.BatchNormReluPoolForwardEval(d.X, d.Gamma, d.Beta, d.RunMean, d.RunVar, 1e-5f, fused);
        b.BatchNormReluPoolForwardEvalScalar(d.X, d.Gamma, d.Beta, d.RunMean, d.RunVar, 1e-5f, twin);
        Assert.Equal(Bits(twin), Bits(fused));

        using var z = b.Allocate(d.X.Shape); using var r = b.Allocate(d.X.Shape); using var unfused = b.Allocate(d.Pooled);
        b.BatchNormForwardEval(d.X, d.Gamma, d.Beta, d.RunMean, d.RunVar, 1e-5f, z);
        b.ReluForward(z, r);
        b.MaxPool2dForward(r, d.Geometry, unfused);
        Assert.Equal(Bits(unfused), Bits(fused));
    }

    [Theory, MemberData(nameof(Shapes))]
    public void TrainForwardMatchesUnfusedBitForBit(int n, int c, int h, int w)
    {
        using var b = new CpuBackend(2);
        var f = new Data(b, n, c, h, w, seed: 7 + h, withNaN: false);
        var u = new Data(b, n, c, h, w, seed: 7 + h, withNaN: false);
        using var fused = b.Allocate(f.Pooled);
        b.BatchNormReluPoolForwardTrain(f.X, f.Gamma, f.Beta, f.RunMean, f.RunVar, 0.1f, 1e-5f, f.Mean, f.InvStd, fused);
        using var unfused = u.UnfusedTrainForward(out var relu);
        relu.Dispose();
        Assert.Equal(Bits(unfused), Bits(fused));
        Assert.Equal(Bits(u.Mean), Bits(f.Mean)); Assert.Equal(Bits(u.InvStd), Bits(f.InvStd));
        Assert.Equal(Bits(u.RunMean), Bits(f.RunMean)); Assert.Equal(Bits(u.RunVar), Bits(f.RunVar));
    }

    [Theory, MemberData(nameof(Shapes))]
    public void BackwardMatchesScalarTwinBitForBitAndUnfusedToTheLastBits(int n, int c, int h, int w)
    {
        using var b = new CpuBackend(2);
        var d = new Data(b, n, c, h, w, seed: 11 * h + w, withNaN: false);
        using var y = b.Allocate(d.Pooled);
        b.BatchNormReluPoolForwardTrain(d.X, d.Gamma, d.Beta, d.RunMean, d.RunVar, 0.1f, 1e-5f, d.Mean, d.InvStd, y);
        var rng = new Random(h + 3 * w);
        using var dy = b.FromHost([.. Enumerable.Range(0, (int)y.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1))], d.Pooled);

        using var dx = b.Allocate(d.X.Shape); using var dg = b.Allocate(new Shape(c)); using var db = b.Allocate(new Shape(c));
        b.BatchNormReluPoolBackward(d.X, dy, d.Gamma, d.Beta, d.Mean, d.InvStd, dx, dg, db);
        using var dxTwin = b.Allocate(d.X.Shape); using var dgTwin = b.Allocate(new Shape(c)); using var dbTwin = b.Allocate(new Shape(c));
        b.BatchNormReluPoolBackwardScalar(d.X, dy, d.Gamma, d.Beta, d.Mean, d.InvStd, dxTwin, dgTwin, dbTwin);
        Assert.Equal(Bits(dxTwin), Bits(dx)); Assert.Equal(Bits(dgTwin), Bits(dg)); Assert.Equal(Bits(dbTwin), Bits(db));

        // Unfused: pool backward (onto the ReLU output), ReLU backward, BatchNorm backward — from the same forward.
        var u = new Data(b, n, c, h, w, seed: 11 * h + w, withNaN: false);
        using var unfusedY = u.UnfusedTrainForward(out var r);
        using var relu = r;
        using var dr = b.Allocate(d.X.Shape); using var dz = b.Allocate(d.X.Shape);
        b.MaxPool2dBackward(r, dy, d.Geometry, dr);
        b.ReluBackward(r, dr, dz);
        using var dxU = b.Allocate(d.X.Shape); using var dgU = b.Allocate(new Shape(c)); using var dbU = b.Allocate(new Shape(c));
        b.BatchNormBackward(u.X, dz, u.Gamma, u.Mean, u.InvStd, dxU, dgU, dbU);
        // The sums differ in double rounding only; after rounding to float the coefficients differ by at most an ulp, so
        // dx by at most a few ulps of its largest terms.
        float scale = dxU.ToArray().Max(MathF.Abs);
        Close.Assert(dxU.ToArray(), dx.ToArray(), 1e-6 * scale, 1e-6, "dx");
        Close.Assert(dgU.ToArray(), dg.ToArray(), 1e-6, 1e-6, "dgamma");
        Close.Assert(dbU.ToArray(), db.ToArray(), 1e-6, 1e-6, "dbeta");
        // The routing is the same: where the unfused ReLU gradient is 0 (no window maximum > 0 there), so is the fused dz.
        Assert.Contains(dz.ToArray(), v => v == 0f);
    }

    [Fact]
    public void GradientReachesOnlyPositiveWindowMaxima()
    {
        // One plane, γ = 1, β = 0, batch statistics: z = (x − mean)·invStd. Window 0 = [−3, −2 | −1, −2] (all z < 0: no
        // gradient), window 1 = [5, 5 | 1, 0] (a tie: the first 5 gets it). dgamma/dbeta see only window 1's gradient.
        using var b = new CpuBackend(1);
        using var x = b.FromHost([-3f, -2f, 5f, 5f, -1f, -2f, 1f, 0f], new Shape(1, 1, 2, 4));
        using var gamma = b.FromHost([1f], new Shape(1)); using var beta = b.Allocate(new Shape(1));
        using var rm = b.Allocate(new Shape(1)); using var rv = b.FromHost([1f], new Shape(1));
        using var mean = b.Allocate(new Shape(1)); using var inv = b.Allocate(new Shape(1));
        using var y = b.Allocate(new Shape(1, 1, 1, 2));
        b.BatchNormReluPoolForwardTrain(x, gamma, beta, rm, rv, 0.1f, 1e-5f, mean, inv, y);
        Assert.Equal(0f, y.ToArray()[0]);
        Assert.True(y.ToArray()[1] > 0f);
        using var dy = b.FromHost([10f, 2f], new Shape(1, 1, 1, 2));
        using var dx = b.Allocate(x.Shape); using var dg = b.Allocate(new Shape(1)); using var db = b.Allocate(new Shape(1));
        b.BatchNormReluPoolBackward(x, dy, gamma, beta, mean, inv, dx, dg, db);
        Assert.Equal(2f, db.ToArray()[0]);
        float xhat = (5f - mean.ToArray()[0]) * inv.ToArray()[0];
        Assert.Equal(2f * xhat, dg.ToArray()[0], 5);
        // dx = a·dz + b·x + c: positions 2 and 3 share x = 5, so they differ exactly by a·dz = invStd·2 at position 2.
        var g = dx.ToArray();
        Assert.Equal(2f * inv.ToArray()[0], g[2] - g[3], 4);
    }

    private static int[] Bits(Tensor t) => [.. t.ToArray().Select(BitConverter.SingleToInt32Bits)];

    /// <summary>Inputs and per-channel tensors for one case (few distinct values: ties; γ of both signs).</summary>
    private sealed class Data
    {
        private readonly CpuBackend _b;

        public Data(CpuBackend b, int n, int c, int h, int w, int seed, bool withNaN)
        {
            _b = b;
            var rng = new Random(seed);
            X = b.FromHost([.. Enumerable.Range(0, n * c * h * w).Select(_ =>
                withNaN && rng.Next(60) == 0 ? float.NaN : rng.Next(-4, 5) * 0.5f)], new Shape(n, c, h, w));
            Gamma = b.FromHost([.. Enumerable.Range(0, c).Select(i => i % 2 == 0 ? 1.25f + i : -0.75f)], new Shape(c));
            Beta = b.FromHost([.. Enumerable.Range(0, c).Select(i => 0.1f * i - 0.2f)], new Shape(c));
            RunMean = b.FromHost([.. Enumerable.Range(0, c).Select(i => 0.05f * i)], new Shape(c));
            RunVar = b.FromHost([.. Enumerable.Range(0, c).Select(i => 1f + 0.5f * i)], new Shape(c));
            Mean = b.Allocate(new Shape(c)); InvStd = b.Allocate(new Shape(c));
            Geometry = Pool2dGeometry.Create(n, c, h, w, 2, 2, 2, 2, false);
            Pooled = new Shape(n, c, h / 2, w / 2);
        }

        public Tensor X { get; }
        public Tensor Gamma { get; }
        public Tensor Beta { get; }
        public Tensor RunMean { get; }
        public Tensor RunVar { get; }
        public Tensor Mean { get; }
        public Tensor InvStd { get; }
        public Pool2dGeometry Geometry { get; }
        public Shape Pooled { get; }

        /// <summary>BatchNorm (train), ReLU and pool as three operations; <paramref name="relu"/> is the ReLU output.</summary>
        public Tensor UnfusedTrainForward(out Tensor relu)
        {
            using var z = _b.Allocate(X.Shape);
            var r = relu = _b.Allocate(X.Shape);
            _b.BatchNormForwardTrain(X, Gamma, Beta, RunMean, RunVar, 0.1f, 1e-5f, z, Mean, InvStd);
            _b.ReluForward(z, r);
            var y = _b.Allocate(Pooled);
            _b.MaxPool2dForward(r, Geometry, y);
            return y;
        }
    }
}
