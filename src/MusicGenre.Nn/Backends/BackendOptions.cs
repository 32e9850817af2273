namespace MusicGenre.Nn.Backends;

/// <summary>Options for <see cref="BackendFactory.Create"/>.</summary>
internal sealed record BackendOptions
{
    /// <summary>CPU worker threads (default: all logical processors). Results are bitwise identical for a fixed count.</summary>
    public int ThreadCount { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// The weights are set once and not changed afterwards (inference, e.g. <c>GenrePredictor</c>): the CPU backend then
    /// prepares each convolution's filters (Winograd transform, GEMM packing) once per weight tensor and keeps them,
    /// instead of on every forward pass. Results are the same bits either way. Never set it for training.
    /// </summary>
    public bool FixedWeights { get; init; }

    /// <summary>Index of the GPU among those of the requested kind (default 0).</summary>
    public int DeviceIndex { get; init; }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every problem.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (ThreadCount < 1) problems.Add($"ThreadCount must be >= 1 (got {ThreadCount})");
        if (DeviceIndex < 0) problems.Add($"DeviceIndex must be >= 0 (got {DeviceIndex})");
        if (problems.Count > 0) throw new ArgumentException("Invalid backend options: " + string.Join("; ", problems) + ".");
    }
}
