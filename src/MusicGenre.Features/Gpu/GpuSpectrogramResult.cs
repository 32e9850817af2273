namespace MusicGenre.Features.Gpu;

/// <summary>
/// Output of <see cref="GpuSpectrogram.Compute"/>: mel power and its dB, both <c>[Segments, NMels, Frames]</c>
/// row-major (librosa's <c>[n_mels, frames]</c> when there is one segment), and MFCC <c>[Segments, NMfcc, Frames]</c>
/// when the settings carry a DCT (else null).
/// </summary>
internal sealed record GpuSpectrogramResult(float[] MelSpec, float[] LogMel, float[]? Mfcc, int Segments, int NMels, int Frames)
{
    /// <summary>Results of equal shape, their segments one after another.</summary>
    public static GpuSpectrogramResult Concat(IReadOnlyList<GpuSpectrogramResult> parts)
    {
        var first = parts[0];
        return new GpuSpectrogramResult(
            [.. parts.SelectMany(r => r.MelSpec)], [.. parts.SelectMany(r => r.LogMel)],
            first.Mfcc is null ? null : [.. parts.SelectMany(r => r.Mfcc!)],
            parts.Sum(r => r.Segments), first.NMels, first.Frames);
    }
}
