namespace MusicGenre.Features;

/// <summary>
/// The named parameter sets of ../shared/golden/librosa-features.h5 (see its README for the exact definitions).
/// </summary>
public static class FeaturePresets
{
    /// <summary>librosa defaults: n_fft 2048, hop 512, Hann, center/constant, 128 Slaney mels, 20 MFCCs.</summary>
    public static FeatureOptions LibrosaDefault { get; } = new() { Name = "librosa_default" };

    /// <summary>The original README's 100 ms window, 40 ms stride: n_fft = win = 2205, hop 882, 13 MFCCs.</summary>
    public static FeatureOptions Readme100ms { get; } = new()
    {
        Name = "readme_100ms", NFft = 2205, HopLength = 882, NMfcc = 13,
    };

    /// <summary>HTK-style: n_fft 1024, hop 256, 800-sample Hamming, no centring, 40 HTK mels 20–8000 Hz unnormalised, 13 MFCCs.</summary>
    public static FeatureOptions Htk40 { get; } = new()
    {
        Name = "htk_40", NFft = 1024, HopLength = 256, WinLength = 800, Window = WindowType.Hamming, Center = false,
        NMels = 40, FMin = 20, FMax = 8000, MelScale = MelScale.Htk, MelNorm = MelNorm.None, NMfcc = 13,
    };

    /// <summary>
    /// The 2016 project's preprocessing: 599 windows of 2205 samples every 882, each a 128×5 mel spectrogram
    /// (n_fft 2048, hop 512, reflect padding) with dB relative to its own maximum; 13 MFCCs. Output [599, 128, 5].
    /// </summary>
    public static FeatureOptions SeedExact { get; } = new()
    {
        Name = "seed_exact", PadMode = PadMode.Reflect, DbReference = DbReference.Max, NMfcc = 13,
        SegmentLength = 2205, SegmentHop = 882, SegmentCount = 599,
    };

    /// <summary>All presets, in a stable order.</summary>
    public static IReadOnlyList<FeatureOptions> All { get; } = [LibrosaDefault, Readme100ms, Htk40, SeedExact];

    /// <summary>The preset called <paramref name="name"/> (e.g. "librosa_default").</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static FeatureOptions Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown feature preset '{name}'; known presets: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
    }
}
