using MusicGenre.Audio;
using MusicGenre.Features;

namespace MusicGenre.Pipeline.Features;

/// <summary>
/// Decodes one audio file and computes its mel spectrogram, log-mel and MFCC for a preset, then writes them as the
/// feature file of <c>musicgenre features</c> (datasets /melspec, /logmel, /mfcc in librosa's layout; every preset
/// parameter as a root attribute, None as "none" and booleans as 0/1 like the golden files).
/// </summary>
internal static class ClipFeatures
{
    public static IReadOnlyList<FeatureFileWriter.Dataset> Compute(string audioPath, FeatureOptions options, double offset = 0, double? duration = null) =>
        Compute(audioPath, options, offset, duration, out _);

    private static IReadOnlyList<FeatureFileWriter.Dataset> Compute(string audioPath, FeatureOptions options, double offset, double? duration, out AudioClip loaded)
    {
        var clip = loaded = AudioFile.Load(audioPath, new AudioLoadOptions { TargetSampleRate = options.SampleRate, Offset = offset, Duration = duration });
        var extractor = new FeatureExtractor(options);
        try
        {
            return
            [
                Dataset("melspec", extractor, FeatureKind.MelSpectrogram, clip.Samples),
                Dataset("logmel", extractor, FeatureKind.LogMel, clip.Samples),
                Dataset("mfcc", extractor, FeatureKind.Mfcc, clip.Samples),
            ];
        }
        catch (ArgumentException ex) when (ex.ParamName == "audio")
        {
            string why = clip.Samples.Length == 0 && offset > 0
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"nothing is left after skipping {offset} s (the file is shorter)")
                : ex.Message.Replace(" (Parameter 'audio')", "", StringComparison.Ordinal);
            throw new InvalidDataException($"{audioPath}: {why}", ex);
        }
    }

    /// <summary>The root <c>format</c> attribute of the file <see cref="WriteFile"/> writes.</summary>
    public const string Format = "musicgenre-clip-features";

    /// <summary>
    /// Computes the features of <paramref name="audioPath"/> and writes them atomically to <paramref name="outPath"/>;
    /// <paramref name="warning"/> is the decoder's note on the file (e.g. a truncated WAV or MP3), else null.
    /// </summary>
    public static IReadOnlyList<FeatureFileWriter.Dataset> WriteFile(string audioPath, FeatureOptions options, string outPath, out string? warning, double offset = 0, double? duration = null)
    {
        var datasets = Compute(audioPath, options, offset, duration, out var clip);
        warning = clip.Warning;
        var attrs = Attributes(options);
        attrs["source"] = Path.GetFileName(audioPath);
        // Provenance: librosa-exact holds for audio at the preset's rate; a file of another rate was resampled first.
        attrs["source_path"] = Path.GetFullPath(audioPath);
        attrs["source_sample_rate"] = (long)clip.NativeSampleRate;
        attrs["source_channels"] = (long)clip.NativeChannels;
        attrs["offset_seconds"] = offset;
        attrs["analysed_seconds"] = clip.DurationSeconds;
        attrs["format"] = Format;
        FeatureFileWriter.Write(outPath, datasets, attrs);
        return datasets;
    }

    /// <summary>Every parameter of <paramref name="o"/> as an HDF5 attribute value (librosa's parameter names).</summary>
    public static Dictionary<string, object> Attributes(FeatureOptions o) => o.LibrosaParameters();

    private static FeatureFileWriter.Dataset Dataset(string name, FeatureExtractor fx, FeatureKind kind, float[] audio) =>
        new(name, fx.Compute(kind, audio), fx.Shape(kind, audio.Length));
}
