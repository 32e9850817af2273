using System.Text.Json;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Tests.ModelFile;

public sealed class H5pyModelFileTests
{
    private const string Script = """
        import sys, json, h5py, numpy as np
        with h5py.File(sys.argv[1], "r") as f:
            s = lambda v: v.decode() if isinstance(v, bytes) else str(v)
            print(json.dumps({
                "format": s(f.attrs["format"]), "arch": s(f.attrs["architecture"]),
                "labels": [s(v) for v in f.attrs["labels"]], "names": [s(v) for v in f.attrs["parameter_names"]],
                "width": float(f["architecture"].attrs["width"]),
                "conv_shape": list(f["params/block1.conv.weight"].shape), "conv_dtype": str(f["params/block1.conv.weight"].dtype),
                "fc_bias": [float(v) for v in f["params/fc.bias"][...]],
                "running_var": [float(v) for v in f["buffers/block2.bn.running_var"][...]],
                "mean_sum": float(np.asarray(f["normalization/mean"][...], dtype=np.float64).sum()),
                "mode": s(f["normalization"].attrs["mode"]), "epochs": int(f["training"].attrs["epochs"]),
                "val_accuracy": float(f["training/metrics"].attrs["val_accuracy"]),
                "history": [float(v) for v in f["training/history/train_loss"][...]],
            }))
        """;

    [H5pyFact]
    public void H5py_ReadsTheModelFile()
    {
        var model = ModelFixtures.Small(8);
        string path = Path.Combine(SharedData.NewTempDir(), "model.h5");
        ModelFileWriter.Write(path, model);
        int rc = Python.Run(Script, out string output, path);
        Assert.True(rc == 0, $"python3/h5py failed (rc {rc}):\n{output}");
        var r = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;

        Assert.Equal("musicgenre-model", r.GetProperty("format").GetString());
        Assert.Equal("default", r.GetProperty("arch").GetString());
        Assert.Equal(model.Labels, r.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(model.Parameters.Select(p => p.Name), r.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4.0, r.GetProperty("width").GetDouble());
        Assert.Equal([4, 1, 3, 3], r.GetProperty("conv_shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("float32", r.GetProperty("conv_dtype").GetString());
        Close.Assert(model.Parameters.Single(p => p.Name == "fc.bias").Data,
            r.GetProperty("fc_bias").EnumerateArray().Select(e => e.GetSingle()).ToArray(), 0, 0, "fc.bias via h5py");
        Close.Assert(model.Buffers.Single(p => p.Name == "block2.bn.running_var").Data,
            r.GetProperty("running_var").EnumerateArray().Select(e => e.GetSingle()).ToArray(), 0, 0, "running_var via h5py");
        Assert.Equal(model.Normalization.Mean.Sum(v => (double)v), r.GetProperty("mean_sum").GetDouble(), 6);
        Assert.Equal("PerMel", r.GetProperty("mode").GetString());
        Assert.Equal(3, r.GetProperty("epochs").GetInt32());
        Assert.Equal(0.75, r.GetProperty("val_accuracy").GetDouble());
        Assert.Equal([2.0, 1.0, 0.7], r.GetProperty("history").EnumerateArray().Select(e => e.GetDouble()));
    }
}
