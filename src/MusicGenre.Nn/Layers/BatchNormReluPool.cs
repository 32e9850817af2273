using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// A <see cref="BatchNorm2d"/>, a ReLU and a 2×2 stride-2 max-pool (floor mode) run as one layer on a backend that
/// fuses them (<see cref="IBatchNormReluPoolBackend"/>). The BatchNorm layer it wraps keeps the parameters, buffers and
/// batch counter under their own names, so the model file, checkpoints and initialisation see the same network as the
/// unfused chain; only the intermediate full-size tensors are gone.
/// </summary>
internal sealed class BatchNormReluPool : Layer
{
    private readonly IBatchNormReluPoolBackend _fused;
    private Tensor? _x, _y, _dx;

    /// <summary>Fuses <paramref name="batchNorm"/> with the ReLU and pool that follow it.</summary>
    public BatchNormReluPool(IBatchNormReluPoolBackend fused, BatchNorm2d batchNorm) : base(batchNorm.Backend, batchNorm.Name)
    {
        if (!ReferenceEquals(fused, batchNorm.Backend)) throw new ArgumentException("The fused operation must come from the layer's backend.", nameof(fused));
        _fused = fused;
        BatchNorm = batchNorm;
    }

    /// <summary>The BatchNorm layer whose parameters, buffers and counter this layer uses.</summary>
    public BatchNorm2d BatchNorm { get; }

    /// <summary>True for a ReLU followed by a max-pool this layer can take the place of (2×2, stride 2, floor mode).</summary>
    public static bool CanFuse(Layer relu, Layer pool) =>
        relu is Relu && pool is MaxPool2d { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, CeilMode: false };

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Parameters => BatchNorm.Parameters;

    /// <inheritdoc />
    public override IReadOnlyList<NamedTensor> Buffers => BatchNorm.Buffers;

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        var s = BatchNorm.OutputShape(input);
        var g = Pool2dGeometry.Create(s.N, s.C, s.H, s.W, 2, 2, 2, 2, ceilMode: false);
        return new Shape(g.Batch, g.Channels, g.OutH, g.OutW);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training)
    {
        // x [N, C, H, W] -> y [N, C, H/2, W/2]
        CheckBackend(x, "input");
        var y = Ensure(ref _y, OutputShape(x.Shape));
        var bn = BatchNorm;
        if (training)
        {
            if (x.Shape.N * x.Shape.H * x.Shape.W < 2)
                throw new ArgumentException($"BatchNorm2d '{Name}': train mode needs more than one value per channel (input {x.Shape}).");
            _fused.BatchNormReluPoolForwardTrain(x, bn.Weight.Value, bn.Bias.Value, bn.RunningMean, bn.RunningVar, bn.Momentum, bn.Eps,
                bn.BatchMean, bn.BatchInvStd, y);
            bn.NumBatchesTracked++;
            _x = x;
        }
        else
        {
            _fused.BatchNormReluPoolForwardEval(x, bn.Weight.Value, bn.Bias.Value, bn.RunningMean, bn.RunningVar, bn.Eps, y);
            _x = null;
        }
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (_x is null) throw NoForward();
        var dx = Ensure(ref _dx, _x.Shape);
        var bn = BatchNorm;
        _fused.BatchNormReluPoolBackward(_x, dy, bn.Weight.Value, bn.Bias.Value, bn.BatchMean, bn.BatchInvStd, dx, bn.Weight.Grad, bn.Bias.Grad);
        return needInputGradient ? dx : null;
    }
}
