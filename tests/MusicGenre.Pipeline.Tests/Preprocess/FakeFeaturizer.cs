using System.Runtime.CompilerServices;
using MusicGenre.Pipeline.Preprocess;

namespace MusicGenre.Pipeline.Tests.Preprocess;

/// <summary>
/// A deterministic stand-in for log-mel: the segment is cut into <see cref="Frames"/> equal chunks; feature [r, c] is
/// (r + 1) × the mean of chunk c plus r × its mean absolute value. Any change of samples, order or padding shows up.
/// </summary>
internal sealed class FakeFeaturizer(int mels = 3, int frames = 4, StrongBox<int>? calls = null) : ISegmentFeaturizer
{

    public int Mels => mels;

    public int Frames => frames;

    public void Compute(ReadOnlySpan<float> segment, Span<float> destination)
    {
        if (calls is not null) Interlocked.Increment(ref calls.Value);
        int chunk = segment.Length / frames;
        for (int c = 0; c < frames; c++)
        {
            double sum = 0, abs = 0;
            var part = segment.Slice(c * chunk, c == frames - 1 ? segment.Length - c * chunk : chunk);
            foreach (float v in part) { sum += v; abs += Math.Abs(v); }
            for (int r = 0; r < mels; r++)
                destination[r * frames + c] = (float)((r + 1) * sum / part.Length + r * abs / part.Length);
        }
    }

    /// <summary>Expected store content of a song: its segments' features, with padding/remainder rules applied.</summary>
    public static float[] Expected(float[] samples, int segment, int minSamples, int mels = 3, int frames = 4)
    {
        var f = new FakeFeaturizer(mels, frames);
        int count = samples.Length / segment;
        if (count == 0 && samples.Length >= minSamples) count = 1;
        var result = new float[count * mels * frames];
        var buffer = new float[segment];
        for (int s = 0; s < count; s++)
        {
            Array.Clear(buffer);
            samples.AsSpan(s * segment, Math.Min(segment, samples.Length - s * segment)).CopyTo(buffer);
            f.Compute(buffer, result.AsSpan(s * mels * frames, mels * frames));
        }
        return result;
    }
}
