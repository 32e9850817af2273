namespace MusicGenre.Audio.Decoding;

/// <summary>How one sample is stored in a PCM-style file (WAV, AU).</summary>
internal enum PcmEncoding
{
    /// <summary>8-bit unsigned, 128 = silence (WAV).</summary>
    UInt8,

    /// <summary>8-bit signed two's complement (AU encoding 2).</summary>
    Int8,

    /// <summary>16-bit signed.</summary>
    Int16,

    /// <summary>24-bit signed, packed in 3 bytes.</summary>
    Int24,

    /// <summary>32-bit signed.</summary>
    Int32,

    /// <summary>IEEE 754 binary32.</summary>
    Float32,

    /// <summary>IEEE 754 binary64.</summary>
    Float64,

    /// <summary>G.711 µ-law, 8 bits.</summary>
    MuLaw,

    /// <summary>G.711 A-law, 8 bits.</summary>
    ALaw,
}
