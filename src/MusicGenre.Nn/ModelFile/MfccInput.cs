using MusicGenre.Simd;

namespace MusicGenre.Nn.ModelFile;

/// <summary>
/// The MFCC input of a model: each window's log-mel <c>[channels, bands, frames]</c> becomes its first
/// <see cref="Coefficients"/> cepstral coefficients <c>[channels, coefficients, frames]</c> (orthonormal DCT-II along the
/// mel axis, <see cref="MelCepstrum"/> — the same kernel as <c>musicgenre features</c>' <c>/mfcc</c>). Applied after
/// <see cref="LevelNormalizer"/> and before <see cref="InputNormalization"/>, by training batches and prediction alike.
/// Holds only the basis: thread-safe.
/// </summary>
internal sealed class MfccInput
{
    private readonly float[] _basis; // [coefficients, bands]

    /// <summary>The transform from <paramref name="bands"/> mel bands to <paramref name="coefficients"/> MFCCs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 1 ≤ coefficients ≤ bands.</exception>
    public MfccInput(int bands, int coefficients)
    {
        if (coefficients < 1 || coefficients > bands)
            throw new ArgumentOutOfRangeException(nameof(coefficients), coefficients, $"MFCC count must be in [1, {bands}] (the mel bands)");
        Bands = bands;
        Coefficients = coefficients;
        _basis = MelCepstrum.Basis(coefficients, bands);
    }

    /// <summary>The transform a model or run with <paramref name="mfcc"/> coefficients (0 = log-mel input: none) of <paramref name="bands"/> bands uses.</summary>
    public static MfccInput? For(int mfcc, int bands) => mfcc > 0 ? new MfccInput(bands, mfcc) : null;

    /// <summary>Mel bands of the input windows.</summary>
    public int Bands { get; }

    /// <summary>Coefficients kept (rows of the output).</summary>
    public int Coefficients { get; }

    /// <summary>
    /// <paramref name="windows"/> <c>[n, channels, bands, frames]</c> → <paramref name="destination"/>
    /// <c>[n, channels, coefficients, frames]</c>, one DCT per (window, channel) plane.
    /// </summary>
    /// <exception cref="ArgumentException">The spans do not hold whole windows of these shapes.</exception>
    public void Apply(ReadOnlySpan<float> windows, int channels, int frames, Span<float> destination, SimdWidth width = SimdWidth.V512)
    {
        int inPlane = Bands * frames, outPlane = Coefficients * frames;
        if (channels < 1 || frames < 1 || windows.Length % (inPlane * channels) != 0)
            throw new ArgumentException($"windows: {windows.Length} values is not whole windows of [{channels}, {Bands}, {frames}].", nameof(windows));
        int planes = windows.Length / inPlane;
        if (destination.Length != (long)planes * outPlane)
            throw new ArgumentException($"destination: {destination.Length} values, expected {planes} × [{Coefficients}, {frames}].", nameof(destination));
        for (int p = 0; p < planes; p++)
            MelCepstrum.Apply(_basis, Coefficients, windows.Slice(p * inPlane, inPlane), frames, destination.Slice(p * outPlane, outPlane), width);
    }
}
