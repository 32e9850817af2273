namespace MusicGenre.Features;

/// <summary>Which feature a <see cref="FeatureExtractor"/> call produces.</summary>
public enum FeatureKind
{
    /// <summary>Mel spectrogram (power or magnitude), [n_mels, frames].</summary>
    MelSpectrogram,

    /// <summary>power_to_db of the mel spectrogram, [n_mels, frames].</summary>
    LogMel,

    /// <summary>Orthonormal DCT-II of the log-mel along the mel axis, first n_mfcc rows: [n_mfcc, frames].</summary>
    Mfcc,
}
