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

    /// <summary>One number for a model's tensors (the CRC-32 of their CRC-32s, in file order), as hex.</summary>
    private static string InitialChecksum(GenreModel model)
    {
        var crcs = TensorChecksum.Tensors(model).Select(t => TensorChecksum.Of(t.Data)).ToArray();
        return System.IO.Hashing.Crc32.HashToUInt32(System.Runtime.InteropServices.MemoryMarshal.AsBytes(crcs.AsSpan())).ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Loads <paramref name="initial"/>'s weights and running statistics into <paramref name="net"/> (already initialised).
    /// Every tensor but the output layer's is copied; the output layer's rows (weight <c>[genres, features]</c>, bias
    /// <c>[genres]</c>) are copied genre by genre, matched by name, so genres in another order, a subset or a superset keep
    /// what the model learnt about them and only new genres start fresh. Returns the genres carried over.
    /// </summary>
    private static IReadOnlyList<string> LoadInitial(GenreNetwork net, GenreModel initial, IReadOnlyList<string> labels)
    {
        // 1. The body: every parameter outside the output layer, and every running statistic.
        var output = net.Net.Layers.OfType<Dense>().Last().Parameters;
        var outputNames = output.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        GenreNetwork.Restore(net.Net.Parameters.Where(p => !outputNames.Contains(p.Name)).Select(p => (p.Name, p.Value)), initial.Parameters, "initial model parameters");
        GenreNetwork.Restore(net.Net.Buffers.Select(b => (b.Name, b.Value)), initial.Buffers, "initial model buffers");
        // 2. The output layer, row by genre: row r of this run ← the initial model's row of the same genre name.
        var from = initial.Labels.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i, StringComparer.Ordinal);
        var carried = labels.Where(from.ContainsKey).ToList();
        foreach (var p in output)
        {
            var source = initial.Parameters.Single(t => t.Name == p.Name).Data;
            var target = p.Value.ToArray();
            int width = target.Length / labels.Count; // features per genre row (1 for the bias)
            for (int r = 0; r < labels.Count; r++)
                if (from.TryGetValue(labels[r], out int s))
                    source.AsSpan(s * width, width).CopyTo(target.AsSpan(r * width, width));
            p.Value.CopyFrom(target);
        }
        return carried;
    }
}
