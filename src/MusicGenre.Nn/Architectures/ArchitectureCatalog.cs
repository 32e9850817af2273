using System.Globalization;

namespace MusicGenre.Nn.Architectures;

/// <summary>
/// The named architecture presets. <c>lachmish2016</c> is the original 2016 network; <c>default</c> is the
/// conv–BN–ReLU–pool network with global pooling designed for 3-second log-mel segments.
/// </summary>
internal static class ArchitectureCatalog
{
    /// <summary>Preset name of the 2016 network.</summary>
    public const string Lachmish2016 = "lachmish2016";

    /// <summary>Preset name of the default network.</summary>
    public const string Default = "default";

    /// <summary>All preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = [Default, Lachmish2016];

    /// <summary>Default hyper-parameters of a preset.</summary>
    public static IReadOnlyDictionary<string, double> Defaults(string name) => name switch
    {
        Default => new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["channels"] = 1, ["mels"] = 128, ["frames"] = 130, ["min_frames"] = 86, ["classes"] = 10,
            ["width"] = 8, ["blocks"] = 4, ["dropout"] = 0.3,
        },
        Lachmish2016 => new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["channels"] = 1, ["mels"] = 128, ["frames"] = 599, ["classes"] = 10, ["dense"] = 8192, ["keep_prob"] = 0.75,
        },
        _ => throw UnknownName(name),
    };

    /// <summary>
    /// Builds the description of preset <paramref name="name"/>; <paramref name="overrides"/> replaces defaults.
    /// Unknown names, unknown keys and out-of-range values throw <see cref="ArgumentException"/> listing every problem.
    /// </summary>
    public static ArchitectureSpec Create(string name, IReadOnlyDictionary<string, double>? overrides = null)
    {
        var hp = new SortedDictionary<string, double>((IDictionary<string, double>)Defaults(name), StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (key, value) in overrides ?? new Dictionary<string, double>())
        {
            if (!hp.ContainsKey(key)) problems.Add($"unknown hyper-parameter '{key}' (known: {string.Join(", ", hp.Keys)})");
            else if (!double.IsFinite(value)) problems.Add($"'{key}' = {value} is not finite");
            else hp[key] = value;
        }
        if (problems.Count == 0)
        {
            RequireInt(hp, "channels", 1, 16, problems); RequireInt(hp, "mels", 8, 1024, problems);
            RequireInt(hp, "frames", 8, 100_000, problems); RequireInt(hp, "classes", 2, 10_000, problems);
        }
        var spec = problems.Count == 0 ? (name == Default ? BuildDefault(hp, problems) : BuildLachmish(hp, problems)) : null;
        if (problems.Count > 0 || spec is null)
            throw new ArgumentException($"Architecture '{name}': {string.Join("; ", problems)}.", nameof(overrides));
        return spec;
    }

    private static ArchitectureSpec BuildLachmish(SortedDictionary<string, double> hp, List<string> problems)
    {
        RequireInt(hp, "dense", 1, 65536, problems);
        if (hp["keep_prob"] is not (> 0 and <= 1)) problems.Add($"keep_prob = {hp["keep_prob"]} must be in (0, 1]");
        float drop = (float)(1 - hp["keep_prob"]);
        int frames = (int)hp["frames"];
        // Three conv 4×4 SAME (149, 73, 35 filters), each ReLU + ceil max-pool (4, 2, 2) + dropout; dense + ReLU +
        // dropout; dense to the classes (softmax lives in the loss).
        var layers = new List<LayerSpec>
        {
            Conv2dSpec.Same("conv1", 149, 4, bias: true), new ReluSpec(), new MaxPool2dSpec(4, 4, true), new DropoutSpec(drop),
            Conv2dSpec.Same("conv2", 73, 4, bias: true), new ReluSpec(), new MaxPool2dSpec(2, 2, true), new DropoutSpec(drop),
            Conv2dSpec.Same("conv3", 35, 4, bias: true), new ReluSpec(), new MaxPool2dSpec(2, 2, true), new DropoutSpec(drop),
            new FlattenSpec(), new DenseSpec("fc1", (int)hp["dense"]), new ReluSpec(), new DropoutSpec(drop),
            new DenseSpec("fc2", (int)hp["classes"]),
        };
        return new ArchitectureSpec(Lachmish2016, hp, (int)hp["channels"], (int)hp["mels"], frames, frames, false,
            (int)hp["classes"], layers);
    }

    private static ArchitectureSpec BuildDefault(SortedDictionary<string, double> hp, List<string> problems)
    {
        RequireInt(hp, "width", 1, 512, problems); RequireInt(hp, "blocks", 1, 8, problems);
        RequireInt(hp, "min_frames", 1, 100_000, problems);
        if (hp["dropout"] is not (>= 0 and < 1)) problems.Add($"dropout = {hp["dropout"]} must be in [0, 1)");
        if (problems.Count > 0) return null!;
        int width = (int)hp["width"], blocks = (int)hp["blocks"];
        // Blocks of conv 3×3 pad 1 (no bias: BatchNorm cancels it) → BN → ReLU → max-pool 2, doubling the channels
        // each block; then an average over time only (fold frequency into channels + global average pool), which makes
        // the head independent of the clip length but keeps where in frequency a pattern is; dropout; dense.
        var layers = new List<LayerSpec>();
        for (int b = 1; b <= blocks; b++)
        {
            int ch = width << (b - 1);
            layers.Add(new Conv2dSpec($"block{b}.conv", ch, 3, 3, 1, 1, 1, 1, Bias: false));
            layers.Add(new BatchNorm2dSpec($"block{b}.bn"));
            layers.Add(new ReluSpec());
            layers.Add(new MaxPool2dSpec(2, 2, false));
        }
        layers.Add(new FoldFrequencySpec());
        layers.Add(new GlobalAvgPoolSpec());
        layers.Add(new DropoutSpec((float)hp["dropout"]));
        layers.Add(new DenseSpec("fc", (int)hp["classes"]));
        int minFrames = Math.Max((int)hp["min_frames"], 1 << blocks);
        if ((int)hp["mels"] < 1 << blocks) problems.Add($"mels = {hp["mels"]} is too small for {blocks} pooling blocks (need ≥ {1 << blocks})");
        if ((int)hp["frames"] < minFrames) problems.Add($"frames = {hp["frames"]} is below min_frames = {minFrames}");
        return new ArchitectureSpec(Default, hp, (int)hp["channels"], (int)hp["mels"], (int)hp["frames"], minFrames, true,
            (int)hp["classes"], layers);
    }

    private static void RequireInt(SortedDictionary<string, double> hp, string key, int min, int max, List<string> problems)
    {
        double v = hp[key];
        if (v != Math.Floor(v) || v < min || v > max)
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"'{key}' = {v} must be an integer in [{min}, {max}]"));
    }

    private static ArgumentException UnknownName(string name) =>
        new($"Unknown architecture '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
}
