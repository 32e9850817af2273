namespace MusicGenre.Audio.Tests;

/// <summary>Small MP3 inputs cut from the shared previews at test time (never stored in the repository).</summary>
internal static class Mp3Samples
{
    public const string Preview = "mp3/TRWJAZW128F42760DD_test.mp3";
    public const string Mono16k = "mp3/joram-moments_of_clarity-08-solipsism-59-88.mp3";

    /// <summary>Offset of the first byte after the ID3v2 tag.</summary>
    public static int AudioStart(byte[] file) =>
        file.AsSpan(0, 3).SequenceEqual("ID3"u8) ? 10 + ((file[6] << 21) | (file[7] << 14) | (file[8] << 7) | file[9]) : 0;

    /// <summary>Byte offsets of consecutive frames from <paramref name="start"/> until sync is lost or the file ends.</summary>
    public static List<int> FrameOffsets(byte[] file, int start)
    {
        var offsets = new List<int>();
        for (int pos = start, length; pos + 4 <= file.Length && (length = FrameLength(file, pos)) > 0; pos += length)
            offsets.Add(pos);
        return offsets;
    }

    /// <summary>
    /// Offsets of every frame of a whole file (after its ID3v2 tag), asserting that the frames run to its end without
    /// losing sync; <paramref name="name"/> names the file in the failure.
    /// </summary>
    public static List<int> WholeFileFrames(byte[] file, string name)
    {
        int start = AudioStart(file);
        var offsets = FrameOffsets(file, start);
        int end = offsets.Count == 0 ? start : offsets[^1] + FrameLength(file, offsets[^1]);
        Assert.True(end + 4 > file.Length, $"{name}: lost sync at byte {end}");
        return offsets;
    }

    /// <summary>Length in bytes of the layer III frame whose header is at <paramref name="pos"/> (any MPEG version); 0 when there is none.</summary>
    public static int FrameLength(byte[] file, int pos)
    {
        if (file[pos] != 0xFF || (file[pos + 1] & 0xE0) != 0xE0) return 0;
        int version = (file[pos + 1] >> 3) & 3;
        bool v1 = version == 3;
        int[] rates = v1 ? [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] : [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
        int[] srs = [44100, 48000, 32000];
        int srIndex = (file[pos + 2] >> 2) & 3, rateIndex = file[pos + 2] >> 4;
        if (srIndex == 3 || rateIndex == 15) return 0;
        int sr = srs[srIndex] >> (v1 ? 0 : version == 2 ? 1 : 2);
        return (v1 ? 144 : 72) * rates[rateIndex] * 1000 / sr + ((file[pos + 2] >> 1) & 1);
    }

    /// <summary>A short MP3: a 20-byte ID3v2 tag, then the preview's Info frame and its first <paramref name="frames"/> audio frames.</summary>
    public static byte[] Short(int frames)
    {
        var file = File.ReadAllBytes(SharedData.Data(Preview));
        int start = AudioStart(file);
        var offsets = FrameOffsets(file, start);
        int end = offsets[frames + 1];
        var result = new byte[30 + end - start];
        "ID3"u8.CopyTo(result);
        result[3] = 3;
        result[9] = 20;
        file.AsSpan(start, end - start).CopyTo(result.AsSpan(30));
        return result;
    }
}
