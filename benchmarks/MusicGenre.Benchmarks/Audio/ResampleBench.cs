using BenchmarkDotNet.Attributes;
using MusicGenre.Audio.Resampling;

namespace MusicGenre.Benchmarks.Audio;

/// <summary>The Kaiser-sinc polyphase resampler alone on 30 s of mono noise (vector dot product; table cached after the first run).</summary>
[Config(typeof(AudioBenchConfig))]
public class ResampleBench
{
    private float[] _input = [];
    private readonly float[] _output = new float[1 << 16];

    [Params("44100->22050", "16000->22050", "48000->22050")]
    public string Ratio { get; set; } = "44100->22050";

    private int InRate => int.Parse(Ratio.Split("->")[0]);

    private int OutRate => int.Parse(Ratio.Split("->")[1]);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _input = new float[30 * InRate];
        for (int i = 0; i < _input.Length; i++) _input[i] = (float)(rng.NextDouble() - 0.5);
    }

    [Benchmark(Description = "resample 30 s mono")]
    public long Resample()
    {
        var r = new Resampler(InRate, OutRate);
        long total = 0;
        for (int pos = 0; pos < _input.Length; pos += 4096)
        {
            r.Write(_input.AsSpan(pos, Math.Min(4096, _input.Length - pos)));
            for (int n; (n = r.Read(_output)) > 0;) total += n;
        }
        r.Complete();
        for (int n; (n = r.Read(_output)) > 0;) total += n;
        return total;
    }
}
