namespace MusicGenre.Audio;

/// <summary>Container/codec families the decoders understand, detected from file content (never from the extension).</summary>
internal enum AudioFormat
{
    /// <summary>
    /// RIFF/WAVE, and RF64/BW64 for files over 4 GiB: PCM 8/16/24/32-bit integer, 32/64-bit float, A-law, µ-law,
    /// WAVE_FORMAT_EXTENSIBLE.
    /// </summary>
    Wav,

    /// <summary>MPEG-1/2/2.5 audio layer III, optionally behind an ID3v2 tag.</summary>
    Mp3,

    /// <summary>Sun/NeXT .au/.snd: µ-law, A-law, 8/16/24/32-bit linear PCM, 32/64-bit float.</summary>
    Au,
}
