namespace MusicGenre.Api;

/// <summary>
/// Progress of a batch: <paramref name="Done"/> of <paramref name="Total"/> inputs finished, the last one being
/// <paramref name="LastPath"/> — input number <see cref="Index"/>, whose <see cref="Result"/> comes with the report, so that
/// a caller can use each result as soon as it exists (write it out, keep it when the batch is cancelled).
/// </summary>
public readonly record struct BatchProgress(int Done, int Total, string LastPath)
{
    /// <summary>The position of <see cref="LastPath"/> in the batch's input order.</summary>
    public int Index { get; init; }

    /// <summary>The finished input's result (the same object the batch returns at that index).</summary>
    public BatchResult? Result { get; init; }
}
