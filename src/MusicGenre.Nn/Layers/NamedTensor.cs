using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>A named non-trainable tensor: a layer buffer (<c>bn1.running_mean</c>) or optimizer state (<c>fc.weight.exp_avg</c>).</summary>
/// <param name="Name">The state name.</param>
/// <param name="Value">The tensor.</param>
internal sealed record NamedTensor(string Name, Tensor Value);
