namespace MusicGenre.Api;

/// <summary>Invalid <see cref="ClassifierOptions"/>; <see cref="Problems"/> lists every problem found, not only the first.</summary>
public sealed class ClassifierOptionsException : ArgumentException
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public ClassifierOptionsException(IReadOnlyList<string> problems)
        : base(Nn.Training.TrainerOptionsException.Describe("classifier options", problems))
        => Problems = problems;

    /// <summary>Every problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
