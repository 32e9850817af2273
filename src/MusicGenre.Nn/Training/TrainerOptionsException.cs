namespace MusicGenre.Nn.Training;

/// <summary>Invalid trainer options or data; <see cref="Problems"/> lists every problem found, not only the first.</summary>
public sealed class TrainerOptionsException : ArgumentException
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public TrainerOptionsException(IReadOnlyList<string> problems)
        : base(Describe("training options", problems))
        => Problems = problems;

    /// <summary>"Invalid {what} (n problems):" followed by one "  - problem" line each; shared by the other options exceptions.</summary>
    internal static string Describe(string what, IReadOnlyList<string> problems) =>
        $"Invalid {what} ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", problems)}";

    /// <summary>Every problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
