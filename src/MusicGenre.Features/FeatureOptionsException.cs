namespace MusicGenre.Features;

/// <summary>Thrown when <see cref="FeatureOptions"/> are unusable; lists every problem found.</summary>
public sealed class FeatureOptionsException : ArgumentException
{
    /// <summary>Creates the exception for options named <paramref name="name"/>.</summary>
    public FeatureOptionsException(string name, IReadOnlyList<string> problems)
        : base($"Feature options '{name}' are invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}  " +
               string.Join(Environment.NewLine + "  ", problems), "options")
    {
        Problems = problems;
    }

    /// <summary>One message per problem.</summary>
    public IReadOnlyList<string> Problems { get; }
}
