using MusicGenre.Nn.Layers;

namespace MusicGenre.Nn.Initialization;

/// <summary>
/// Weight initialisation (drawn on the host from a seeded <see cref="Rng"/>, then copied to the backend): He (Kaiming)
/// for ReLU networks, Glorot (Xavier) otherwise. Biases are set to zero; BatchNorm γ/β keep 1/0.
/// </summary>
internal static class Init
{
    /// <summary>He normal: N(0, 2 / fanIn).</summary>
    public static void HeNormal(Parameter p, Rng rng) => Normal(p, Math.Sqrt(2.0 / p.FanIn), rng);

    /// <summary>He uniform: U(±sqrt(6 / fanIn)).</summary>
    public static void HeUniform(Parameter p, Rng rng) => Uniform(p, Math.Sqrt(6.0 / p.FanIn), rng);

    /// <summary>Glorot uniform: U(±sqrt(6 / (fanIn + fanOut))).</summary>
    public static void GlorotUniform(Parameter p, Rng rng) => Uniform(p, Math.Sqrt(6.0 / (p.FanIn + p.FanOut)), rng);

    /// <summary>Glorot normal: N(0, 2 / (fanIn + fanOut)).</summary>
    public static void GlorotNormal(Parameter p, Rng rng) => Normal(p, Math.Sqrt(2.0 / (p.FanIn + p.FanOut)), rng);

    /// <summary>
    /// Initialises a whole network: every conv/dense <c>.weight</c> with He normal (or Glorot uniform when
    /// <paramref name="glorot"/>), every conv/dense <c>.bias</c> with zero; BatchNorm parameters are left at 1/0.
    /// </summary>
    public static void Network(Layer network, Rng rng, bool glorot = false)
    {
        foreach (var layer in network is Sequential s ? s.Layers : [network])
        {
            if (layer is BatchNorm2d or BatchNormReluPool) continue;
            foreach (var p in layer.Parameters)
            {
                if (p.Name.EndsWith(".bias", StringComparison.Ordinal)) p.Value.Backend.Fill(p.Value, 0f);
                else if (glorot) GlorotUniform(p, rng);
                else HeNormal(p, rng);
            }
        }
    }

    private static void Normal(Parameter p, double std, Rng rng)
    {
        var a = new float[p.Value.Length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(std * rng.NextGaussian());
        p.Value.CopyFrom(a);
    }

    private static void Uniform(Parameter p, double bound, Rng rng)
    {
        var a = new float[p.Value.Length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)((2 * rng.NextDouble() - 1) * bound);
        p.Value.CopyFrom(a);
    }
}
