using MusicGenre.Audio;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>The production <see cref="IMonoAudioSource"/>: MusicGenre.Audio's streaming decoder (WAV, AU, MP3), resampled to a target rate.</summary>
internal sealed class AudioFileSource : IMonoAudioSource
{
    private readonly AudioStreamReader _reader;

    private AudioFileSource(AudioStreamReader reader) => _reader = reader;

    /// <summary>Opens <paramref name="path"/>, resampling to <paramref name="sampleRate"/>; throws <see cref="FileNotFoundException"/> or <see cref="AudioFormatException"/>.</summary>
    public static IMonoAudioSource Open(string path, int sampleRate) =>
        new AudioFileSource(AudioStreamReader.Open(path, new AudioLoadOptions { TargetSampleRate = sampleRate }));

    /// <inheritdoc />
    public int SampleRate => _reader.SampleRate;

    /// <inheritdoc />
    public int Read(Span<float> destination) => _reader.Read(destination);

    /// <inheritdoc />
    public string? Warning => _reader.Warning;

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();
}
