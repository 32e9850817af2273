using System.Globalization;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>Fine-tuning: a run that starts from the weights of <see cref="TrainerOptions.InitialModelPath"/>.</summary>
internal sealed partial class Trainer
{
    /// <summary>
    /// The model to start from, checked against this run: same architecture and hyper-parameters (the genre count may
    /// differ), input (MFCC count, level, band limit, standardisation mode), feature preset and segment length. Null when
    /// the run starts from random weights.
    /// </summary>
    /// <exception cref="TrainerOptionsException">The model does not fit the run (every difference listed).</exception>
    /// <exception cref="ModelFileException">The file is not a readable model.</exception>
    private static GenreModel? InitialModel(TrainerOptions o, ArchitectureSpec spec)
    {
        if (o.InitialModelPath is not { } path) return null;
        var m = ModelFileReader.Read(path);
        var inv = CultureInfo.InvariantCulture;
        var differences = new List<string>();
        void Differ(string what, object model, object run)
        {
            if (!Equals(model, run)) differences.Add(string.Format(inv, "{0} {1} (the model) vs {2} (this run)", what, model, run));
        }
        Differ("architecture", m.Architecture, spec.Name);
        if (m.Architecture == spec.Name)
            foreach (var (key, value) in spec.HyperParameters.Where(kv => kv.Key != "classes"))
                Differ(key, m.HyperParameters.TryGetValue(key, out double v) ? v : double.NaN, value);
        Differ("MFCC count", m.Mfcc, o.Mfcc);
        Differ("level", m.Level, o.Level);
        Differ("band limit (Hz)", m.BandLimitHz, o.BandLimitHz);
        Differ("standardisation", m.Normalization.Mode, o.Normalization);
        Differ("feature preset", m.FeaturePreset.ToLowerInvariant(), o.FeaturePreset.ToLowerInvariant());
        Differ("segment (s)", m.SegmentSeconds, o.SegmentSeconds);
        if (differences.Count > 0)
            TrainerOptions.Throw([$"InitialModelPath: {path} does not fit this run: {string.Join("; ", differences)}"]);
        return m;
    }

    /// <summary>
    /// Loads <paramref name="initial"/>'s weights and running statistics into <paramref name="net"/> (already initialised):
    /// every tensor, or with other genres every tensor but the output layer's, which keeps its fresh initialisation.
    /// Returns whether the output layer was loaded.
    /// </summary>
    private static bool LoadInitial(GenreNetwork net, GenreModel initial, IReadOnlyList<string> labels)
    {
        bool sameGenres = initial.Labels.SequenceEqual(labels, StringComparer.Ordinal);
        var output = net.Net.Layers.OfType<Dense>().Last().Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        GenreNetwork.Restore(net.Net.Parameters.Where(p => sameGenres || !output.Contains(p.Name)).Select(p => (p.Name, p.Value)), initial.Parameters, "initial model parameters");
        GenreNetwork.Restore(net.Net.Buffers.Select(b => (b.Name, b.Value)), initial.Buffers, "initial model buffers");
        return sameGenres;
    }
}
