using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Kernels.Nn;

namespace MusicGenre.Nn.Backends.Gpu;

// The launcher every convolution GEMM kernel (4 × 4, 8 × 8, TF32; each group shape) loads to: one signature.
using ConvGemmLauncher = System.Action<ILGPU.KernelConfig, ILGPU.ArrayView<float>, ILGPU.ArrayView<float>, ILGPU.ArrayView<float>,
    ILGPU.ArrayView<float>, ILGPU.ArrayView<float>, MusicGenre.Kernels.Nn.ConvParams, int, int, int>;

internal sealed partial class GpuBackend
{
    // Launchers for kernels/MusicGenre.Kernels/Nn, loaded once per backend (ILGPU compiles each once per accelerator).
    private Action<Index1D, ArrayView<float>, float, int, int> _fill = null!, _scale = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> _copy = null!, _relu = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _reluBackward = null!, _multiply = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ulong, float, float, int, int> _dropout = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<double>, int, int, int> _sumSquares = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, int, int> _sgd = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamParams, int, int> _adam = null!;

    private ConvGemmLauncher _convGemm = null!;
    private ConvGemmLauncher _convGemmWide16x16 = null!, _convGemmWide32x8 = null!, _convGemmWide64x4 = null!, _convGemmWide4x4 = null!;
    private ConvGemmLauncher _convGemmTf32_16x16 = null!, _convGemmTf32_32x8 = null!, _convGemmTf32_64x4 = null!, _convGemmTf32_8x4 = null!;  // loaded by Tf32Ready
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> _sumParts = null!;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int, int, int, int> _channelPartial = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<float>, ArrayView<float>, int, int, double, int, int> _channelFinish = null!;

    private Action<Index1D, ArrayView<float>, ArrayView<float>, PoolParams, int> _maxPool = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, PoolParams, int> _maxPoolBackward = null!, _maxPoolBackwardDisjoint = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> _rowMeanBackward = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int, int> _rowMax = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int> _rowMaxBackward = null!;

    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float, float, int> _bnFinalize = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> _bnApply = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, float, int> _invStd = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int> _bnBackwardData = null!;

    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> _denseBackwardBias = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int> _softmax = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, float, int> _softmaxBackward = null!;

    // Loads one convolution GEMM kernel (explicitly grouped).
    private ConvGemmLauncher LoadConvGemm(Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvParams, int, int, int> kernel) => _acc.LoadStreamKernel(kernel);

    private void LoadKernels()
    {
        var a = _acc;
        _fill = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, int, int>(NnKernels.Fill);
        _scale = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, int, int>(NnKernels.Scale);
        _copy = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(NnKernels.Copy);
        _relu = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(NnKernels.Relu);
        _reluBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(NnKernels.ReluBackward);
        _multiply = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(NnKernels.Multiply);
        _dropout = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ulong, float, float, int, int>(NnKernels.Dropout);
        _sumSquares = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<double>, int, int, int>(NnKernels.SumSquaresChunks);
        _sgd = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, int, int>(NnKernels.SgdStep);
        _adam = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamParams, int, int>(NnKernels.AdamStep);

        _convGemm = LoadConvGemm(NnKernels.ConvGemmKernel);
        if (a.AcceleratorType == AcceleratorType.CPU)
            _convGemmWide4x4 = LoadConvGemm(NnKernels.ConvGemmWideKernel<ConvTile4x4>);
        else
        {
            _convGemmWide16x16 = LoadConvGemm(NnKernels.ConvGemmWideKernel<ConvTile16x16>);
            _convGemmWide32x8 = LoadConvGemm(NnKernels.ConvGemmWideKernel<ConvTile32x8>);
            _convGemmWide64x4 = LoadConvGemm(NnKernels.ConvGemmWideKernel<ConvTile64x4>);
        }
        _sumParts = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(NnKernels.SumParts);
        _channelPartial = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int, int, int, int>(NnKernels.ChannelPartial);
        _channelFinish = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<float>, ArrayView<float>, int, int, double, int, int>(NnKernels.ChannelFinish);

        _maxPool = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, PoolParams, int>(NnKernels.MaxPoolForward);
        _maxPoolBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, PoolParams, int>(NnKernels.MaxPoolBackward);
        _maxPoolBackwardDisjoint = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, PoolParams, int>(NnKernels.MaxPoolBackwardDisjoint);
        _rowMeanBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(NnKernels.RowMeanBackward);
        _rowMax = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int, int>(NnKernels.RowMax);
        _rowMaxBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(NnKernels.RowMaxBackward);

        _bnFinalize = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float, float, int>(NnKernels.BatchNormFinalize);
        _bnApply = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(NnKernels.BatchNormApply);
        _invStd = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, float, int>(NnKernels.InvStd);
        _bnBackwardData = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int>(NnKernels.BatchNormBackwardData);

        _denseBackwardBias = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(NnKernels.DenseBackwardBias);
        _softmax = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int>(NnKernels.SoftmaxRows);
        _softmaxBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, float, int>(NnKernels.SoftmaxCrossEntropyBackward);
    }
}
