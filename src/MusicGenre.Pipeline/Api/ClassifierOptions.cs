using MusicGenre.Nn.Backends;

namespace MusicGenre.Api;

/// <summary>
/// How a <see cref="GenreClassifier"/> computes. The defaults (CPU, batches of 8 segments, all cores for
/// <see cref="GenreClassifier.PredictMany"/>) suit most programs; every setting is checked when the classifier is loaded,
/// and all problems are reported together in one <see cref="ClassifierOptionsException"/>.
/// </summary>
/// <example><code>
/// using var classifier = GenreClassifier.LoadDefault(new ClassifierOptions { ThreadCount = 4 });
/// </code></example>
public sealed record ClassifierOptions
{
    /// <summary>
    /// Where the network runs: <see cref="DeviceKind.Cpu"/> (default; results are bit-identical whatever the number of
    /// threads), <see cref="DeviceKind.Cuda"/>, <see cref="DeviceKind.OpenCl"/>, or <see cref="DeviceKind.Auto"/> (the
    /// first GPU that works, else the CPU). A GPU that is asked for but missing fails the load with
    /// <see cref="DeviceUnavailableException"/>.
    /// </summary>
    public DeviceKind Device { get; init; } = DeviceKind.Cpu;

    /// <summary>
    /// Segments per forward pass (1–4096; default 8). The network's activations for one batch are most of the memory a
    /// prediction needs: at 8, classifying a file of any length peaks at about 125 MB of RAM in all (the process
    /// included); larger batches use more memory and suit GPUs.
    /// </summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Also compute each song's <see cref="GenrePrediction.Embedding"/> (in the same forward pass; default false).
    /// </summary>
    public bool Embeddings { get; init; }

    /// <summary>
    /// Files <see cref="GenreClassifier.PredictMany"/> classifies at once, and the idle workers a classifier keeps between
    /// calls (0 = one per core; default 0).
    /// </summary>
    public int ThreadCount { get; init; }

    /// <summary>Every invalid setting, one sentence each (empty when the options are valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Device)) problems.Add($"Device = {(int)Device} is not a device kind (auto, cpu, cuda or opencl)");
        else if (Device == DeviceKind.Simulator) problems.Add("Device = Simulator is ILGPU's CPU simulator, for testing kernels only; use auto, cpu, cuda or opencl");
        if (BatchSize is < 1 or > 4096) problems.Add($"BatchSize = {BatchSize} must be in 1..4096");
        if (ThreadCount is < 0 or > 4096) problems.Add($"ThreadCount = {ThreadCount} must be in 0..4096 (0 = one per core)");
        return problems;
    }

    /// <summary>Returns these options when they are valid.</summary>
    /// <exception cref="ClassifierOptionsException">One or more settings are invalid (all are listed).</exception>
    public ClassifierOptions Validate()
    {
        var problems = Problems();
        return problems.Count == 0 ? this : throw new ClassifierOptionsException(problems);
    }
}
