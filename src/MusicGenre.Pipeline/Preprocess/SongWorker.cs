using MusicGenre.Pipeline.Segmentation;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// One preprocess worker: streams a song through the training windows of <see cref="ClipSegmentation.TrainingWindows"/>
/// into a spool part. Holds one segment of audio and one feature block, whatever the song's length. Not thread-safe (owns its featurizer and buffers).
/// </summary>
internal sealed class SongWorker
{
    private readonly ClipSegmentation _segmentation;
    private readonly bool _copies;
    private readonly ISegmentFeaturizer _featurizer;
    private readonly Func<string, int, IMonoAudioSource> _openAudio;
    private readonly float[] _segment;
    private readonly float[] _features;

    public SongWorker(PreprocessOptions options, ISegmentFeaturizer featurizer, Func<string, int, IMonoAudioSource> openAudio)
    {
        _segmentation = options.Segmentation;
        _copies = options.Copies.Count > 0;
        _featurizer = featurizer;
        _openAudio = openAudio;
        _segment = new float[_segmentation.SegmentSamples];
        _features = new float[featurizer.Mels * featurizer.Frames];
    }

    /// <summary>The decoder's warning on the song <see cref="Process"/> last stored (a truncated file...), else null; copies give none.</summary>
    public string? LastWarning { get; private set; }

    /// <summary>
    /// Writes the part of <paramref name="entry"/> to <paramref name="partPath"/>: its segments, or — when the file cannot be
    /// decoded, is too short, or holds samples the featurizer rejects (e.g. not finite) — a bad-song record. Returns true
    /// when segments were written.
    /// </summary>
    public bool Process(Data.Datasets.DatasetEntry entry, string partPath, CancellationToken cancellationToken)
    {
        // The stamp is taken before decoding: if the file changes meanwhile, the next run sees a mismatch and redoes it.
        string stamp = SpoolPart.SourceStamp(entry.Path);
        LastWarning = null;
        string? reason;
        try
        {
            reason = Segment(entry, partPath, stamp, cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException or FormatException
            or ArgumentException)
        {
            reason = e.Message;
        }
        if (reason is null) return true;
        SpoolPart.WriteBad(partPath, entry.SongId, stamp, reason);
        return false;
    }

    /// <summary>Returns null when segments were written, else why the song yields none.</summary>
    private string? Segment(Data.Datasets.DatasetEntry entry, string partPath, string stamp, CancellationToken cancellationToken)
    {
        // 1. Open the decoder at the feature sample rate (through the copy's alteration for a copy).
        int rate = _segmentation.SampleRate;
        SongCopy copy = default;
        bool isCopy = _copies && SongCopies.TryGetCopy(entry.SongId, out copy, out _);
        using var source = isCopy ? SongCopies.Open(copy, entry.SongId, _openAudio, entry.Path, rate) : _openAudio(entry.Path, rate);
        if (source.SampleRate != rate)
            return $"decoder gave {source.SampleRate} Hz, expected {rate} Hz";

        // 2. Full segments, back to back; the remainder after the last full segment is dropped.
        //    The signal check is predict's: a song with (almost) no signal — digital silence, a constant — teaches the
        //    network nothing about its genre, so it is skipped with that reason rather than stored.
        using var part = SpoolPart.Begin(partPath, entry.SongId, stamp, _featurizer.Mels, _featurizer.Frames);
        //    A clip copy is judged on its original's level (its gain undone: a near-silent song is never clipped), so a
        //    copy is kept exactly when its original is.
        var signal = new Prediction.SongClassifier.SignalCheck(rate, entry.Path, isCopy ? 1.0 / SongCopies.GainOf(entry.SongId) : 1.0);
        long total = 0;
        bool padded = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = source.Read(_segment);
            total += n;
            signal.Add(_segment.AsSpan(0, n));
            if (n < _segment.Length)
            {
                // 3. A song shorter than one segment but long enough is zero-padded to one segment; shorter is skipped.
                if (part.Segments > 0) break;
                if (_segmentation.TooShort(total) is { } why) return why;
                _segment.AsSpan(n).Clear();
                _featurizer.Compute(_segment, _features);
                part.Append(_features);
                padded = true;
                break;
            }
            _featurizer.Compute(_segment, _features);
            part.Append(_features);
        }
        if (signal.Warning() is { } silent) return silent;
        part.Commit(padded);
        if (!isCopy) LastWarning = source.Warning; // a copy's would repeat its original's
        return null;
    }
}
