using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace MusicGenre.Kernels.Runtime;

/// <summary>
/// Compiles this assembly's kernels to PTX with ILGPU's CUDA backend on a machine without a GPU (or driver): what the
/// CUDA accelerator would hand the driver, for an architecture named here. ILGPU's CPU simulator runs the kernels' C#
/// directly and never goes through the PTX backend, so this is the only check short of a GPU that every kernel can be
/// compiled for CUDA at all. The PTX can be read, or assembled offline for register and spill counts
/// (<c>ptxas -arch=sm_90 -v kernel.ptx</c>; <c>cuobjdump -sass</c> for the instruction mix).
/// </summary>
internal static class PtxCompiler
{
    /// <summary>The kernel entry points of this assembly: every internal static method of a <c>*Kernels</c> class that
    /// returns void and takes an <see cref="ArrayView{T}"/> (helpers called from kernels are private). A generic kernel
    /// appears once per struct of this assembly that meets its type parameter's constraint (e.g. each tile shape).</summary>
    internal static IReadOnlyList<MethodInfo> Kernels() =>
        typeof(PtxCompiler).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Kernels", StringComparison.Ordinal) && t.IsAbstract && t.IsSealed)
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.IsAssembly && m.ReturnType == typeof(void)
                        && m.GetParameters().Any(p => p.ParameterType.IsGenericType
                                                      && p.ParameterType.GetGenericTypeDefinition() == typeof(ArrayView<>)))
            .SelectMany(Instantiations)
            .OrderBy(Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>The name a kernel goes by here: <c>NnKernels.ConvGemmKernel</c>, <c>NnKernels.ConvGemmWideKernel&lt;ConvTile16x16&gt;</c>.</summary>
    internal static string Key(MethodInfo kernel) =>
        $"{kernel.DeclaringType!.Name}.{kernel.Name}" +
        (kernel.IsGenericMethod ? $"<{string.Join(",", kernel.GetGenericArguments().Select(a => a.Name))}>" : "");

    // A generic kernel with one struct type parameter: one instantiation per struct of this assembly that implements
    // every interface the parameter is constrained to.
    private static IEnumerable<MethodInfo> Instantiations(MethodInfo kernel)
    {
        if (!kernel.IsGenericMethodDefinition) return [kernel];
        var constraints = kernel.GetGenericArguments().Single().GetGenericParameterConstraints().Where(c => c.IsInterface).ToList();
        return typeof(PtxCompiler).Assembly.GetTypes()
            .Where(t => t.IsValueType && !t.IsGenericTypeDefinition && constraints.All(c => c.IsAssignableFrom(t)))
            .Select(t => kernel.MakeGenericMethod(t));
    }

    /// <summary>
    /// The PTX of each kernel for <paramref name="architecture"/> (default sm_90, the H200's; instruction set PTX ISA 7.8,
    /// the newest ILGPU 1.5.3 knows) at <paramref name="optimization"/> (default: the level <see cref="GpuDevice"/> opens
    /// devices with), keyed by <c>Class.Method</c> (e.g. <c>NnKernels.ConvGemmKernel</c>). Kernels whose first parameter is an ILGPU index are compiled as
    /// implicitly grouped (as <c>LoadAutoGroupedStreamKernel</c> loads them), the rest as explicitly grouped.
    /// </summary>
    /// <exception cref="InvalidOperationException">A kernel the backend cannot compile; the message names it.</exception>
    internal static IReadOnlyDictionary<string, string> Compile(CudaArchitecture? architecture = null, OptimizationLevel optimization = GpuDevice.Optimization)
    {
        var arch = architecture ?? CudaArchitecture.SM_90;
        using var context = Context.Create(b => b.CPU().EnableAlgorithms().Optimize(optimization));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_78, nvvmAPI: null!);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var kernel in Kernels())
        {
            var first = kernel.GetParameters()[0].ParameterType;
            var entry = first == typeof(Index1D) || first == typeof(Index2D) || first == typeof(Index3D)
                ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
                : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
            try
            {
                result[Key(kernel)] = ((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly;
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{Key(kernel)} does not compile to PTX for {arch}: {e.Message}", e);
            }
        }
        return result;
    }
}
