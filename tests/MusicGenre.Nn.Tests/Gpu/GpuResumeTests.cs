using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Tests.Training;
using MusicGenre.Nn.Training;

namespace MusicGenre.Nn.Tests.Gpu;

/// <summary>
/// A run stopped on the CPU and resumed on a GPU (CUDA when present, else ILGPU's simulator) goes on from the checkpoint,
/// but its arithmetic rounds differently from there: the model file names both devices, so nobody takes it for the
/// bit-exact continuation that a resume on the same device is.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class GpuResumeTests
{
    [Fact]
    public void RunResumedOnAGpu_RecordsBothDevices()
    {
        var data = SyntheticData.Create(songsPerGenre: 3, segmentsPerSong: 2);
        string dir = SharedData.NewTempDir();
        var options = SyntheticData.Options(epochs: 2) with { CheckpointPath = Path.Combine(dir, "run.ckpt.h5") };
        using var cts = new CancellationTokenSource();
        var first = new Trainer(options);
        first.StepCompleted += (step, _) => { if (step == 1) cts.Cancel(); };
        Assert.ThrowsAny<OperationCanceledException>(() => first.Train(data, cancellationToken: cts.Token));
        string cpu = CheckpointFile.Read(options.CheckpointPath!).Current.Training.Device;
        Assert.StartsWith("cpu (2 threads, ", cpu);

        string gpuName = "";
        var resumed = new Trainer(options)
        {
            CreateBackend = () =>
            {
                var gpu = GpuTestDevices.Backend(GpuTestDevices.Preferred);
                gpuName = gpu.Name;
                return gpu;
            },
        }.Train(data);
        Assert.Equal(2, resumed.History.Count);
        Assert.Equal($"{cpu}{TrainingMetadata.DeviceSeparator}{gpuName}", resumed.Model.Training.Device);
        string path = Path.Combine(dir, "model.h5");
        ModelFileWriter.Write(path, resumed.Model);
        Assert.Equal(resumed.Model.Training.Device, ModelFileReader.Read(path).Training.Device);
    }
}
