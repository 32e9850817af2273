namespace MusicGenre.Nn.ModelFile;

/// <summary>
/// How the level (loudness) of each network input window is removed before <see cref="InputNormalization"/>. Log-mel
/// values are in dB, so a gain g on the audio adds 20·log10(g) to every value; subtracting a per-window reference makes
/// the network's input independent of the recording's level.
/// </summary>
public enum LevelNormalization
{
    /// <summary>Inputs keep their absolute level (dB relative to full scale), as in models of format 1 without this setting.</summary>
    None,

    /// <summary>
    /// Each window (all channels, mels and frames the network sees at once) has its maximum subtracted, so its values lie
    /// in [−top_db, 0]: librosa's <c>power_to_db(ref=np.max)</c> applied per window.
    /// </summary>
    WindowMax,
}
