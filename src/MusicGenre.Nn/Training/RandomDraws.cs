using MusicGenre.Nn.Initialization;

namespace MusicGenre.Nn.Training;

/// <summary>Distributions the augmentations need, drawn from the checkpointable <see cref="Rng"/>.</summary>
internal static class RandomDraws
{
    /// <summary>Uniform integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int NextInt(this Rng rng, int min, int max) => min + rng.NextInt(max - min + 1);

    /// <summary>Uniform in [−<paramref name="bound"/>, <paramref name="bound"/>).</summary>
    public static float NextSymmetric(this Rng rng, float bound) => (float)((2 * rng.NextDouble() - 1) * bound);

    /// <summary>Gamma(shape, 1) (Marsaglia–Tsang; shape &lt; 1 via the u^(1/shape) boost).</summary>
    public static double NextGamma(this Rng rng, double shape)
    {
        if (shape < 1) return rng.NextGamma(shape + 1) * Math.Pow(1.0 - rng.NextDouble(), 1.0 / shape);
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do { x = rng.NextGaussian(); v = 1.0 + c * x; } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - rng.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    /// <summary>Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b) (mixup's λ).</summary>
    public static double NextBeta(this Rng rng, double a, double b)
    {
        double x = rng.NextGamma(a), y = rng.NextGamma(b);
        return x / (x + y);
    }
}
