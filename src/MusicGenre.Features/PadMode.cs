namespace MusicGenre.Features;

/// <summary>How center=True pads the signal by n_fft/2 on each side.</summary>
public enum PadMode
{
    /// <summary>Zeros (librosa 0.10 default).</summary>
    Constant,

    /// <summary>Mirror without repeating the edge sample (numpy 'reflect').</summary>
    Reflect,
}
