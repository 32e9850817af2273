namespace MusicGenre.Pipeline.Preprocess;

/// <summary>Names, ids and audio of <see cref="SongCopy"/> copies.</summary>
internal static class SongCopies
{
    /// <summary>Separates a song id from the copy's name.</summary>
    public const char Marker = '#';

    /// <summary>The name used on the command line and in ids (<c>clip</c>).</summary>
    public static string Name(SongCopy copy) => copy switch
    {
        SongCopy.Clip => "clip",
        _ => throw new ArgumentOutOfRangeException(nameof(copy), copy, "unknown copy"),
    };

    /// <summary>Parses a name of <see cref="Name"/>; false when unknown.</summary>
    public static bool TryParse(string name, out SongCopy copy)
    {
        foreach (var c in Enum.GetValues<SongCopy>())
            if (string.Equals(Name(c), name.Trim(), StringComparison.OrdinalIgnoreCase)) { copy = c; return true; }
        copy = default;
        return false;
    }

    /// <summary>The id of <paramref name="copy"/> of song <paramref name="songId"/>.</summary>
    public static string Id(string songId, SongCopy copy) => songId + Marker + Name(copy);

    /// <summary>
    /// True when <paramref name="songId"/> names a copy (<c>&lt;original&gt;#&lt;copy name&gt;</c> with a known name); gives
    /// the copy and the original's id.
    /// </summary>
    public static bool TryGetCopy(string songId, out SongCopy copy, out string baseId)
    {
        int at = songId.LastIndexOf(Marker);
        copy = default;
        bool isCopy = at > 0 && TryParse(songId[(at + 1)..], out copy);
        baseId = isCopy ? songId[..at] : songId;
        return isCopy;
    }

    /// <summary>The original's id: <paramref name="songId"/> up to the copy marker.</summary>
    public static string BaseId(string songId) => TryGetCopy(songId, out _, out string baseId) ? baseId : songId;

    /// <summary>True when <paramref name="songId"/> names a copy.</summary>
    public static bool IsCopy(string songId) => TryGetCopy(songId, out _, out _);

    /// <summary>Opens the audio of <paramref name="copy"/> of the song at <paramref name="path"/> (whose copy id seeds its random choices).</summary>
    public static IMonoAudioSource Open(SongCopy copy, string copyId, Func<string, int, IMonoAudioSource> openAudio, string path, int rate) => copy switch
    {
        SongCopy.Clip => new ClippedSource(openAudio(path, rate), GainOf(copyId)),
        _ => throw new ArgumentOutOfRangeException(nameof(copy), copy, "unknown copy"),
    };

    /// <summary>The linear gain of a clip copy: 6–12 dB, uniform, from the copy id's stable hash.</summary>
    internal static float GainOf(string copyId)
    {
        double u = (ShardSpec.StableHash(copyId) >> 11) * (1.0 / (1UL << 53));
        return (float)Math.Pow(10, (6 + 6 * u) / 20);
    }

    /// <summary>Gain, then hard clipping to ±1, sample by sample.</summary>
    private sealed class ClippedSource(IMonoAudioSource inner, float gain) : IMonoAudioSource
    {
        public int SampleRate => inner.SampleRate;

        public int Read(Span<float> destination)
        {
            int n = inner.Read(destination);
            foreach (ref float v in destination[..n]) v = Math.Clamp(v * gain, -1f, 1f);
            return n;
        }

        public void Dispose() => inner.Dispose();
    }
}
