namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// Turns one fixed-length segment of mono audio into its feature block <c>[Mels, Frames]</c> (row-major). Implementations
/// hold plans and scratch buffers and are not thread-safe: the preprocessor creates one per worker.
/// </summary>
internal interface ISegmentFeaturizer
{
    /// <summary>Feature rows (mel bands).</summary>
    int Mels { get; }

    /// <summary>Feature columns (frames) per segment.</summary>
    int Frames { get; }

    /// <summary>Computes the features of <paramref name="segment"/> (exactly the segment length) into <paramref name="destination"/> (<c>Mels × Frames</c>).</summary>
    void Compute(ReadOnlySpan<float> segment, Span<float> destination);
}
