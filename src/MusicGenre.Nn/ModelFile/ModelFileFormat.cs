namespace MusicGenre.Nn.ModelFile;

/// <summary>
/// Layout of the model file (HDF5, readable by h5py). Root attributes: <c>format</c> = "musicgenre-model",
/// <c>format_version</c>, <c>architecture</c>, <c>feature_preset</c>, <c>labels</c> (string array),
/// <c>parameter_names</c> and <c>buffer_names</c> (network order). Groups: <c>/architecture</c> (one float64 attribute
/// per hyper-parameter), <c>/params/&lt;name&gt;</c> and <c>/buffers/&lt;name&gt;</c> (float32 datasets, PyTorch
/// state-dict names and shapes), <c>/normalization</c> (attributes <c>mode</c> and <c>level</c> — <c>none</c> or <c>window_max</c>, absent = none —, <c>kept_bands</c> and <c>band_limit_hz</c> — absent = 0, all bands —, datasets <c>mean</c>, <c>std</c>),
/// <c>/training</c> (attributes <c>date</c>, <c>epochs</c>, <c>best_epoch</c>, <c>data</c>, <c>options</c>, <c>build</c> — absent in older files —; subgroup
/// <c>metrics</c> with one float64 attribute per metric; <c>history/&lt;metric&gt;</c> float64 datasets per epoch),
/// <c>/checksums</c> (one int64 attribute per tensor, <c>params:&lt;name&gt;</c>, <c>buffers:&lt;name&gt;</c>,
/// <c>normalization:mean|std</c>: the CRC-32 of its float32 bytes; absent in older files).
/// An MFCC model (one trained with <c>--mfcc N</c>) also has <c>/normalization</c> attributes <c>mfcc</c> (N) and
/// <c>mel_bands</c> (the log-mel bands it is given) and is written as <see cref="MfccVersion"/>, so that builds which
/// cannot compute its input refuse it by version rather than misread it; every other file stays <see cref="Version"/>.
/// </summary>
internal static class ModelFileFormat
{
    public const string ModelFormat = "musicgenre-model";
    public const string CheckpointFormat = "musicgenre-checkpoint";
    public const long Version = 1;

    /// <summary>The format version of an MFCC model (version 1's layout plus <c>/normalization@mfcc</c> and <c>@mel_bands</c>).</summary>
    public const long MfccVersion = 2;

    /// <summary>The version a file holding <paramref name="model"/> is written as: the oldest that can describe it.</summary>
    public static long VersionOf(GenreModel model) => model.Mfcc > 0 ? MfccVersion : Version;
}
