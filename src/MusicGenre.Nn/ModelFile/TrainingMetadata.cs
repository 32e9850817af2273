namespace MusicGenre.Nn.ModelFile;

/// <summary>How a model was trained, stored with it for reports and reproducibility.</summary>
internal sealed record TrainingMetadata
{
    /// <summary>When training finished (UTC).</summary>
    public DateTimeOffset Date { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Epochs run.</summary>
    public int Epochs { get; init; }

    /// <summary>1-based epoch whose weights were kept (best validation), 0 if unknown.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Free text describing the data (feature file, number of songs and segments).</summary>
    public string Data { get; init; } = "";

    /// <summary>Free text describing the options (optimizer, lr, batch, seed, augmentations).</summary>
    public string Options { get; init; } = "";

    /// <summary>The MusicGenre build that trained it (its informational version, e.g. <c>0.1.0+&lt;commit&gt;</c>); empty in older files. Training is bit-exact within a build, not across builds.</summary>
    public string Build { get; init; } = "";

    /// <summary>
    /// The device that trained it (<c>IBackend.Name</c>, e.g. <c>cpu (2 threads, Vector512)</c> or
    /// <c>ilgpu Cuda: NVIDIA H200 (139 GiB)</c>); when a run was resumed from a checkpoint on a device that rounds
    /// differently (CPU ↔ GPU, another GPU, or a CPU of another vector width), the devices in order joined by <see cref="DeviceSeparator"/>. Empty in files of earlier builds.
    /// </summary>
    public string Device { get; init; } = "";

    /// <summary>Joins the devices of a run resumed on another device.</summary>
    public const string DeviceSeparator = " then ";

    /// <summary>Final metrics (e.g. <c>val_loss</c>, <c>val_accuracy</c>, <c>train_loss</c>).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Per-epoch curves (e.g. <c>train_loss</c> → one value per epoch).</summary>
    public IReadOnlyDictionary<string, double[]> History { get; init; } = new Dictionary<string, double[]>();
}
