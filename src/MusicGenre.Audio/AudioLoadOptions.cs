using System.Globalization;

namespace MusicGenre.Audio;

/// <summary>
/// How to load audio, like <c>librosa.load(path, sr, offset, duration)</c>: the output is always float32 mono.
/// </summary>
internal sealed record AudioLoadOptions
{
    /// <summary>The lowest native rate a file may declare (Hz): lower values are corrupt headers (and would make resampling
    /// to 22050 Hz blow a few bytes up into gigabytes).</summary>
    public const int MinNativeSampleRate = 1000;

    /// <summary>The largest target (and native) rate accepted (Hz).</summary>
    public const int MaxSampleRate = 1_536_000;

    /// <summary>Output sample rate in Hz; null keeps the file's native rate (librosa's <c>sr=None</c>). Default 22050.</summary>
    public int? TargetSampleRate { get; init; } = 22050;

    /// <summary>Seconds to skip at the start (at the native rate: <c>floor(offset · sr_native)</c> samples). Default 0.</summary>
    public double Offset { get; init; }

    /// <summary>Seconds to keep after <see cref="Offset"/> (<c>floor(duration · sr_native)</c> native samples); null = to the end.</summary>
    public double? Duration { get; init; }

    /// <summary>
    /// Decode MP3s with NLayer (the reference decoder, kept as a fallback) instead of our own layer III decoder. Defaults
    /// to true when the environment variable <c>MUSICGENRE_MP3_DECODER</c> is <c>nlayer</c>.
    /// </summary>
    public bool ReferenceMp3Decoder { get; init; } =
        string.Equals(Environment.GetEnvironmentVariable("MUSICGENRE_MP3_DECODER"), "nlayer", StringComparison.OrdinalIgnoreCase);

    /// <summary>The defaults: 22050 Hz, whole file.</summary>
    public static AudioLoadOptions Default { get; } = new();

    /// <summary>Checks every field and throws one <see cref="ArgumentException"/> listing all problems.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (TargetSampleRate is { } sr && (sr < MinNativeSampleRate || sr > MaxSampleRate))
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"TargetSampleRate must be in {MinNativeSampleRate}..{MaxSampleRate} Hz or null for the native rate, got {sr}"));
        if (!double.IsFinite(Offset) || Offset < 0)
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Offset must be a finite number of seconds >= 0, got {Offset}"));
        if (Duration is { } d && (!double.IsFinite(d) || d < 0))
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Duration must be a finite number of seconds >= 0 or null, got {d}"));
        if (problems.Count > 0)
            throw new ArgumentException("Invalid audio load options: " + string.Join("; ", problems) + ".", "options");
    }
}
