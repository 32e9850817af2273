using MusicGenre.Audio.Resampling;

namespace MusicGenre.Audio.Tests;

public sealed class AudioFileTests
{
    [Fact]
    public void OffsetAndDurationCutAtNativeSamplesLikeLibrosa()
    {
        var x = TestAudio.Noise(22050, 11);
        var file = TestAudio.Wav16(x, 1, 22050);
        var full = TestAudio.LoadNative(file).Samples;

        // librosa: start = int(0.3 · 22050) = 6615, count = int(0.25 · 22050) = 5512.
        var cut = AudioFile.Load(new MemoryStream(file), "x.wav", new AudioLoadOptions { TargetSampleRate = null, Offset = 0.3, Duration = 0.25 });
        Assert.Equal(full.AsSpan(6615, 5512).ToArray(), cut.Samples);

        // Past the end: empty; duration beyond the end: to the end.
        Assert.Empty(AudioFile.Load(new MemoryStream(file), "x.wav", new AudioLoadOptions { TargetSampleRate = null, Offset = 2 }).Samples);
        Assert.Equal(22050 - 11025, AudioFile.Load(new MemoryStream(file), "x.wav", new AudioLoadOptions { TargetSampleRate = null, Offset = 0.5, Duration = 9 }).Samples.Length);
    }

    [Fact]
    public void OffsetIsAppliedBeforeResampling()
    {
        // librosa.load(sr=16000, offset, duration) slices at the native rate, then resamples the slice.
        var x = TestAudio.Noise(44100, 12);
        var file = TestAudio.Wav16(x, 1, 44100);
        var native = TestAudio.LoadNative(file).Samples.AsSpan(4410, 22050).ToArray();
        var r = new Resampler(44100, 16000);
        r.Write(native);
        r.Complete();
        var expected = new float[r.OutputLength(native.Length)];
        int n = 0;
        for (int got; (got = r.Read(expected.AsSpan(n))) > 0;) n += got;

        var clip = AudioFile.Load(new MemoryStream(file), "x.wav", new AudioLoadOptions { TargetSampleRate = 16000, Offset = 0.1, Duration = 0.5 });
        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal(44100, clip.NativeSampleRate);
        Assert.Equal(expected, clip.Samples);
    }

    [Fact]
    public void NonSeekableStreamGivesTheSameSamples()
    {
        var file = TestAudio.Wav16(TestAudio.Noise(2 * 5000, 13), 2, 32000);
        var seekable = AudioFile.Load(new MemoryStream(file), "a.wav", new AudioLoadOptions { Offset = 0.01 });
        var piped = AudioFile.Load(new BadInputTests.NonSeekableStream(file), "a.wav", new AudioLoadOptions { Offset = 0.01 });
        Assert.Equal(seekable.Samples, piped.Samples);
        Assert.Equal(22050, piped.SampleRate);
    }

    [Fact]
    public void StreamingReaderInSmallBlocksEqualsLoad()
    {
        var file = TestAudio.Wav16(TestAudio.Noise(30000, 14), 1, 48000);
        var whole = AudioFile.Load(new MemoryStream(file), "b.wav");
        using var reader = AudioStreamReader.Open(new MemoryStream(file), "b.wav");
        var collected = new List<float>();
        var block = new float[333];
        for (int n; (n = reader.Read(block)) > 0;) collected.AddRange(block.AsSpan(0, n));
        Assert.Equal(whole.Samples, collected.ToArray());
        Assert.Equal((30000 * 22050 + 47999) / 48000, collected.Count);
    }

    [Fact]
    public void SupportedExtensionsCoverTheDecoders()
    {
        Assert.Equal([".wav", ".mp3", ".au", ".snd"], AudioFile.SupportedExtensions);
        Assert.True(AudioFile.HasSupportedExtension("/x/Song.MP3"));
        Assert.False(AudioFile.HasSupportedExtension("cover.png"));
    }

    [SharedFact]
    public void Mpeg2Mono16kPreviewDecodes()
    {
        var clip = AudioFile.Load(SharedData.Data(Mp3Samples.Mono16k), new AudioLoadOptions { TargetSampleRate = null });
        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal(1, clip.NativeChannels);
        Assert.Equal(0, clip.SkippedFrames);
        Assert.InRange(clip.DurationSeconds, 25, 35);
        Assert.InRange(Close.MaxAbs(clip.Samples), 0.05, 1.2);
    }

    [SharedFact]
    public void Mp3OffsetMatchesTheSliceOfAFullDecode()
    {
        string path = SharedData.Data(Mp3Samples.Preview);
        var full = AudioFile.Load(path, new AudioLoadOptions { TargetSampleRate = null }).Samples;
        var cut = AudioFile.Load(path, new AudioLoadOptions { TargetSampleRate = null, Offset = 12.5, Duration = 3 }).Samples;
        Assert.Equal(full.AsSpan((int)(12.5 * 22050), 3 * 22050).ToArray(), cut);
    }
}
