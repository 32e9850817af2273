namespace MusicGenre.Nn.Training;

/// <summary>Invalid trainer options or data; <see cref="Problems"/> lists every problem found, not only the first.</summary>
public sealed class TrainerOptionsException : ArgumentException
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public TrainerOptionsException(IReadOnlyList<string> problems)
        : base($"Invalid training options ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", problems)}")
        => Problems = problems;

    /// <summary>Every problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
