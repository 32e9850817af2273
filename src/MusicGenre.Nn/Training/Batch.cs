namespace MusicGenre.Nn.Training;

/// <summary>
/// One assembled mini-batch on the host: inputs <c>[Size, channels, mels, frames]</c>, hard labels, and soft targets
/// <c>[Size, classes]</c> when mixup blended the batch (null otherwise). Buffers are reused between batches.
/// </summary>
internal sealed class Batch
{
    /// <summary>Creates buffers for up to <paramref name="capacity"/> segments of up to <paramref name="rows"/> × <paramref name="maxFrames"/> values.</summary>
    public Batch(int capacity, int rows, int maxFrames, int classes)
    {
        Inputs = new float[(long)capacity * rows * maxFrames];
        Labels = new int[capacity];
        SoftTargetBuffer = new float[capacity * classes];
        Rows = rows; Frames = maxFrames; Classes = classes;
    }

    /// <summary>Channels × mels per segment.</summary>
    public int Rows { get; }

    /// <summary>Frames per segment in this batch (at most the capacity's frames; the assembler sets it).</summary>
    public int Frames { get; set; }

    /// <summary>Values per segment in this batch.</summary>
    public int SegmentLength => Rows * Frames;

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Segments in this batch.</summary>
    public int Size { get; set; }

    /// <summary>Input buffer (the first <see cref="Size"/> segments are valid).</summary>
    public float[] Inputs { get; }

    /// <summary>Label per segment (for mixup: the label with the larger weight).</summary>
    public int[] Labels { get; }

    /// <summary>Storage for soft targets.</summary>
    public float[] SoftTargetBuffer { get; }

    /// <summary>True when <see cref="SoftTargetBuffer"/> holds the targets of this batch (mixup).</summary>
    public bool HasSoftTargets { get; set; }

    /// <summary>The valid inputs.</summary>
    public ReadOnlySpan<float> InputSpan => Inputs.AsSpan(0, Size * SegmentLength);

    /// <summary>The valid labels.</summary>
    public ReadOnlySpan<int> LabelSpan => Labels.AsSpan(0, Size);
}
