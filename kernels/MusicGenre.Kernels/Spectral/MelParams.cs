namespace MusicGenre.Kernels.Spectral;

/// <summary>
/// Shapes for the mel projection and dB kernels: power is <c>[TotalFrames, NFreq]</c> (frame-major), mel output is
/// <c>[Segments, NMels, FramesPerSegment]</c> (librosa's <c>[n_mels, frames]</c> when there is one segment).
/// dB: <c>10·log10(max(Amin, S)) − refDb</c> where refDb is <c>RefDb</c>, or the segment's own
/// <c>10·log10(max(Amin, max S))</c> when <c>RefIsMax</c> ≠ 0; then floored at (segment max dB − <c>TopDb</c>) when
/// <c>TopDb</c> &gt; 0 (librosa power_to_db; a non-positive TopDb means no floor).
/// </summary>
internal readonly struct MelParams
{
    public MelParams(int nFreq, int nMels, int framesPerSegment, int segments, float amin, float refDb, int refIsMax, float topDb)
    {
        NFreq = nFreq; NMels = nMels; FramesPerSegment = framesPerSegment; Segments = segments;
        Amin = amin; RefDb = refDb; RefIsMax = refIsMax; TopDb = topDb;
    }

    public readonly int NFreq;
    public readonly int NMels;
    public readonly int FramesPerSegment;
    public readonly int Segments;
    public readonly float Amin;
    public readonly float RefDb;
    public readonly int RefIsMax;
    public readonly float TopDb;

    /// <summary>Elements of one segment's mel block.</summary>
    public int SegmentSize => NMels * FramesPerSegment;
}
