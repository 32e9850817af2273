namespace MusicGenre.Kernels.Spectral;

/// <summary>
/// How frames are cut from a signal: the signal holds <c>Segments</c> segments of <c>SegmentLength</c> samples spaced
/// <c>SegmentHop</c> apart (one segment = the whole signal for an ordinary STFT); each segment is padded by
/// <c>PadLeft</c> samples (zeros or numpy 'reflect') and cut into <c>FramesPerSegment</c> frames of <c>NFft</c>
/// samples, <c>Hop</c> apart. Global frame t = segment·FramesPerSegment + frame.
/// </summary>
internal readonly struct FrameParams
{
    /// <summary>Pad mode: zeros outside the segment.</summary>
    public const int PadConstant = 0;

    /// <summary>Pad mode: mirror without repeating the edge sample (numpy 'reflect').</summary>
    public const int PadReflect = 1;

    public FrameParams(int nFft, int hop, int padLeft, int padMode, int segmentLength, int segmentHop, int segments, int framesPerSegment)
    {
        NFft = nFft; Hop = hop; PadLeft = padLeft; PadMode = padMode;
        SegmentLength = segmentLength; SegmentHop = segmentHop; Segments = segments; FramesPerSegment = framesPerSegment;
    }

    public readonly int NFft;
    public readonly int Hop;
    public readonly int PadLeft;
    public readonly int PadMode;
    public readonly int SegmentLength;
    public readonly int SegmentHop;
    public readonly int Segments;
    public readonly int FramesPerSegment;

    /// <summary>Frames over all segments.</summary>
    public int TotalFrames => Segments * FramesPerSegment;
}
