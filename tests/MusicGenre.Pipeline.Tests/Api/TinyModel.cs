using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Pipeline.Tests.Api;

/// <summary>A small real model for API tests: the default architecture trained one epoch on seeded random log-mels.</summary>
internal static class TinyModel
{
    private static readonly Lazy<string> Path = new(Create);

    public static string File => Path.Value;

    private static string Create()
    {
        const int count = 20, mels = 128, frames = 130;
        var rng = new Random(11);
        var data = new float[count * mels * frames];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 40 - 60);
        var labels = Enumerable.Range(0, count).Select(i => i % 10).ToArray();
        var songs = Enumerable.Range(0, count).Select(i => $"song{i}").ToArray();
        var options = new TrainerOptions { Epochs = 1, BatchSize = 10, ValidationFraction = 0, ThreadCount = 2, InputFrames = frames, Seed = 5 };
        var model = new Trainer(options).Train(new SegmentSet(data, count, 1, mels, frames, labels, songs)).Model;
        string path = System.IO.Path.Combine(SharedData.NewTempDir("musicgenre-tiny-model"), "tiny.h5");
        ModelFileWriter.Write(path, model);
        return path;
    }
}

/// <summary>The tiny model as a <see cref="GenreModel"/>.</summary>
internal static class TinyModelFile
{
    public static GenreModel Model => ModelFileReader.Read(TinyModel.File);
}
