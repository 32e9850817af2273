using System.Text.RegularExpressions;
using MusicGenre.Kernels.Runtime;

namespace MusicGenre.Nn.Tests.Backends;

/// <summary>
/// Every kernel compiles to PTX with ILGPU's CUDA backend, without a GPU. ILGPU's simulator runs the kernels as C# and
/// never reaches that backend, so a kernel could pass every simulator test and still fail on the first CUDA launch —
/// costly when GPU time comes in 15-minute loans. Also pins what the hot kernels' speed relies on.
/// </summary>
public sealed class PtxCompileTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Ptx = new(() => PtxCompiler.Compile());

    [Fact]
    public void Every_kernel_compiles_to_ptx_for_sm_90()
    {
        var names = PtxCompiler.Kernels().Select(PtxCompiler.Key).ToList();
        // The catalogue finds the kernels the backends load (a sample from each file), and no helper.
        Assert.Contains("NnKernels.ConvGemmKernel", names);
        Assert.Contains("NnKernels.ChannelPartial", names);
        Assert.Contains("SpectralKernels.StockhamPass", names);
        Assert.Contains("SpectralKernels.FrameWindow", names);
        Assert.Contains("NnKernels.AdamStep", names);
        Assert.DoesNotContain("NnKernels.ConvColumn", names);
        Assert.Equal(names.Count, Ptx.Value.Count);  // no two kernels share a key
        foreach (var (name, ptx) in Ptx.Value)
        {
            Assert.Contains(".visible .entry", ptx);
            Assert.Contains(".address_size 64", ptx);
            Assert.True(ptx.Contains("ret;", StringComparison.Ordinal), $"{name}: PTX has no return");
        }
    }

    [Fact]
    public void The_convolution_gemms_keep_their_register_tiles_in_registers_and_their_tiles_in_shared_memory()
    {
        // A thread-local array or an address taken of a local would put the accumulators in (slow, off-chip) local
        // memory: ILGPU declares such storage with .local in the PTX.
        foreach (var name in new[] { "NnKernels.ConvGemmKernel", "NnKernels.ConvGemmWideKernel<ConvTile16x16>",
                                     "NnKernels.ConvGemmWideKernel<ConvTile32x8>", "NnKernels.ConvGemmWideKernel<ConvTile64x4>" })
        {
            string ptx = Ptx.Value[name];
            Assert.DoesNotContain(".local", ptx);
            Assert.Matches(new Regex(@"\.shared \.align \d+ \.b8 \w+\["), ptx);
            Assert.Contains("bar.sync", ptx);
        }
    }

    [Fact]
    public void The_tf32_convolution_issues_tensor_core_instructions_on_cuda()
    {
        // On CUDA, Tf32.Mma and Tf32.Round are inline PTX (the simulator runs their emulation instead).
        foreach (var shape in new[] { "ConvTile16x16", "ConvTile32x8", "ConvTile64x4" })
        {
            string ptx = Ptx.Value[$"NnKernels.ConvGemmTf32Kernel<{shape}>"];
            Assert.Equal(16, Regex.Count(ptx, @"mma\.sync\.aligned\.m16n8k8\.row\.col\.f32\.tf32\.tf32\.f32"));
            Assert.Contains("cvt.rna.tf32.f32", ptx);
        }
    }
}
