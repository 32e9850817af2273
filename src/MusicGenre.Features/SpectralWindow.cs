namespace MusicGenre.Features;

/// <summary>Analysis windows exactly as <c>librosa.stft</c> applies them.</summary>
internal static class SpectralWindow
{
    /// <summary>
    /// The periodic window of <paramref name="winLength"/> points (scipy <c>get_window(..., fftbins=True)</c>),
    /// zero-padded centred to <paramref name="nFft"/> (<c>librosa.util.pad_center</c>: ⌊(n_fft − win)/2⌋ zeros on the left).
    /// </summary>
    public static double[] Create(WindowType type, int winLength, int nFft)
    {
        if (winLength < 1 || winLength > nFft)
            throw new ArgumentOutOfRangeException(nameof(winLength), $"Window length {winLength} must be in 1..n_fft={nFft}.");
        (double a0, double a1) = type switch
        {
            WindowType.Hann => (0.5, 0.5),
            WindowType.Hamming => (0.54, 0.46),
            _ => throw new ArgumentOutOfRangeException(nameof(type), $"Unknown window {type}."),
        };

        // Periodic: the N + 1 point symmetric window without its last point, i.e. cos(2πn/N) with N = win_length.
        var w = new double[nFft];
        int left = (nFft - winLength) / 2;
        for (int n = 0; n < winLength; n++)
            w[left + n] = a0 - a1 * Math.Cos(2.0 * Math.PI * n / winLength);
        return w;
    }
}
