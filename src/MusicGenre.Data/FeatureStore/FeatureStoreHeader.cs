namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// What every segment of a feature store shares: the genre names (label index order), the feature shape, the segment
/// length and the feature preset that produced them. Written as root attributes and the <c>/genres</c> dataset.
/// </summary>
/// <param name="GenreNames">Genre names in label-index order.</param>
/// <param name="Mels">Mel bands per frame (feature rows).</param>
/// <param name="Frames">Frames per segment (feature columns).</param>
/// <param name="SampleRate">Sample rate (Hz) the audio was cut and analysed at.</param>
/// <param name="SegmentSeconds">Segment length in seconds.</param>
/// <param name="PresetName">Name of the feature preset (e.g. <c>librosa_default</c>).</param>
/// <param name="PresetParameters">The preset's parameters (string, integer, floating-point or boolean values), stored as
/// root attributes named <c>preset_&lt;key&gt;</c>; booleans are stored as 0/1 integers.</param>
internal sealed record FeatureStoreHeader(
    IReadOnlyList<string> GenreNames,
    int Mels,
    int Frames,
    int SampleRate,
    double SegmentSeconds,
    string PresetName,
    IReadOnlyDictionary<string, object> PresetParameters)
{
    /// <summary>Floats per segment (<see cref="Mels"/> × <see cref="Frames"/>).</summary>
    public int SegmentLength => Mels * Frames;

    /// <summary>Every problem with the header, in one exception.</summary>
    /// <exception cref="ArgumentException">Empty genre list, non-positive shape, rate or length, or an unsupported parameter type.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (GenreNames.Count == 0) problems.Add("no genre names");
        if (Mels <= 0) problems.Add($"Mels = {Mels} must be > 0");
        if (Frames <= 0) problems.Add($"Frames = {Frames} must be > 0");
        if (SampleRate <= 0) problems.Add($"SampleRate = {SampleRate} must be > 0");
        if (!(SegmentSeconds > 0) || double.IsInfinity(SegmentSeconds)) problems.Add($"SegmentSeconds = {SegmentSeconds} must be a positive number");
        foreach (var (key, value) in PresetParameters)
            if (value is not (string or int or long or float or double or bool))
                problems.Add($"preset parameter '{key}' has unsupported type {value?.GetType().Name ?? "null"} (use string, int, long, float, double or bool)");
        if (problems.Count > 0) throw new ArgumentException("Invalid feature store header: " + string.Join("; ", problems));
    }
}
