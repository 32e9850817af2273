using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace MusicGenre.Kernels.Runtime;

/// <summary>
/// An open ILGPU context plus one accelerator: the single place where MusicGenre probes and opens devices.
/// Dispose it to release the accelerator and the context. Not thread-safe: use one stream at a time.
/// </summary>
internal sealed class GpuDevice : IDisposable
{
    private GpuDevice(Context context, Accelerator accelerator, DeviceKind kind)
    {
        Context = context;
        Accelerator = accelerator;
        Kind = kind;
    }

    /// <summary>
    /// ILGPU's optimisation level for every GPU context: O2. At ILGPU's default (O1) the PTX of the tensor-core kernel
    /// kept its inline-assembly operands in local memory through the whole inner loop (ptxas: a 648-byte stack frame,
    /// ≈ 300 local loads and stores per k tile); at O2 ptxas keeps them all in registers.
    /// </summary>
    internal const OptimizationLevel Optimization = OptimizationLevel.O2;

    /// <summary>The ILGPU context (algorithms enabled, so <c>XMath</c> works inside kernels).</summary>
    public Context Context { get; }

    /// <summary>The accelerator that runs the kernels.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The kind that was opened (never <see cref="DeviceKind.Auto"/>).</summary>
    public DeviceKind Kind { get; }

    /// <summary>A one-line description, e.g. "Cuda: NVIDIA H100 (79 GiB)".</summary>
    public string Description => $"{Kind}: {Accelerator.Name} ({Accelerator.MemorySize / (1L << 30)} GiB)";

    /// <summary>
    /// Opens <paramref name="kind"/>. <see cref="DeviceKind.Auto"/> opens CUDA, else OpenCL, else returns null (the
    /// caller then uses the CPU backend: the ILGPU simulator is never chosen automatically). Any other kind that is
    /// absent throws <see cref="DeviceUnavailableException"/> naming the devices that were found.
    /// <paramref name="index"/> picks among several devices of the kind (0 = the first).
    /// </summary>
    public static GpuDevice? Open(DeviceKind kind, int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (kind == DeviceKind.Cpu)
            throw new ArgumentException("device 'cpu' is the SIMD CPU code, not an ILGPU accelerator; open cuda, opencl, auto or simulator.", nameof(kind));
        // 1. One context with every accelerator type (ILGPU drops OpenCL devices it cannot drive); the simulator gets
        //    its own context with one simulated multiprocessor per core.
        var context = kind == DeviceKind.Simulator
            ? Context.Create(b => b.CPU(new CPUDevice(4, 4, Math.Max(1, Environment.ProcessorCount))).EnableAlgorithms().Optimize(Optimization))
            : Context.Create(b => b.Default().EnableAlgorithms().Optimize(Optimization));
        try
        {
            // 2. Pick the device for the requested kind.
            Device? device = kind switch
            {
                DeviceKind.Cuda => Nth(context, AcceleratorType.Cuda, index),
                DeviceKind.OpenCl => Nth(context, AcceleratorType.OpenCL, index),
                DeviceKind.Simulator => Nth(context, AcceleratorType.CPU, index),
                DeviceKind.Auto => Nth(context, AcceleratorType.Cuda, index) ?? Nth(context, AcceleratorType.OpenCL, index),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown device kind"),
            };
            if (device is null)
            {
                if (kind == DeviceKind.Auto) { context.Dispose(); return null; }
                string found = string.Join(", ", context.Devices.Select(d => $"{d.AcceleratorType} '{d.Name}'"));
                throw new DeviceUnavailableException(kind,
                    $"device '{kind.ToString().ToLowerInvariant()}' #{index} requested but none is available (ILGPU found: {(found.Length > 0 ? found : "nothing")})");
            }

            // 3. Create the accelerator.
            Accelerator accelerator = device.CreateAccelerator(context);
            DeviceKind opened = device.AcceleratorType switch
            {
                AcceleratorType.Cuda => DeviceKind.Cuda,
                AcceleratorType.OpenCL => DeviceKind.OpenCl,
                _ => DeviceKind.Simulator,
            };
            return new GpuDevice(context, accelerator, opened);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// ILGPU's simulator with <paramref name="threadsPerGroup"/> threads per group in warps of 4 (the default simulator
    /// has 16), for tests of kernels whose group shape depends on the accelerator. One simulated multiprocessor.
    /// </summary>
    public static GpuDevice OpenSimulator(int threadsPerGroup) => OpenSimulator(threadsPerGroup, 4);

    /// <summary>As <see cref="OpenSimulator(int)"/> with warps of <paramref name="threadsPerWarp"/> lanes (32 for the
    /// emulated tensor-core instructions).</summary>
    internal static GpuDevice OpenSimulator(int threadsPerGroup, int threadsPerWarp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerWarp, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerGroup, threadsPerWarp);
        var context = Context.Create(b => b.CPU(new CPUDevice(threadsPerWarp, threadsPerGroup / threadsPerWarp, 1)).EnableAlgorithms().Optimize(Optimization));
        try
        {
            return new GpuDevice(context, context.GetCPUDevice(0).CreateAccelerator(context), DeviceKind.Simulator);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The devices kernel tests run on: the simulator, plus CUDA when present (OpenCL too when ILGPU can drive it).
    /// </summary>
    public static IReadOnlyList<DeviceKind> TestKinds()
    {
        var kinds = new List<DeviceKind> { DeviceKind.Simulator };
        using var context = Context.Create(b => b.Default());
        if (First(context, AcceleratorType.Cuda) is not null) kinds.Add(DeviceKind.Cuda);
        if (First(context, AcceleratorType.OpenCL) is not null) kinds.Add(DeviceKind.OpenCl);
        // The GPU check on a GPU machine (benchmarks/gpu/check.sh) spends its minutes on the GPU: with
        // MUSICGENRE_GPU_TESTS_SKIP_SIMULATOR=1 and a real GPU present, the simulator cases are left out.
        if (kinds.Count > 1 && Environment.GetEnvironmentVariable("MUSICGENRE_GPU_TESTS_SKIP_SIMULATOR") == "1")
            kinds.Remove(DeviceKind.Simulator);
        return kinds;
    }

    private static Device? First(Context context, AcceleratorType type) => Nth(context, type, 0);

    private static Device? Nth(Context context, AcceleratorType type, int index) =>
        context.Devices.Where(d => d.AcceleratorType == type).Skip(index).FirstOrDefault();

    /// <inheritdoc />
    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}
