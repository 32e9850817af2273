namespace MusicGenre.Data.Msd;

/// <summary>
/// Walks a folder of MSD track files (<c>*.h5</c> at any depth, e.g. the MSD's <c>A/B/C/TRABC….h5</c> layout), reading
/// each one; unreadable files are recorded with their reason and the walk continues.
/// </summary>
internal static class MsdFolderScanner
{
    /// <summary>
    /// Lazily yields one entry per .h5 file under <paramref name="root"/> (or the file itself when it is a file), in a
    /// deterministic order: each folder's files sorted ordinally, then its sub-folders sorted ordinally. Streams, so a
    /// million-file tree is never held in memory.
    /// </summary>
    /// <example><code>foreach (var e in MsdFolderScanner.Enumerate("/data/msd")) if (e.Track is { } t) Use(t);</code></example>
    /// <exception cref="DirectoryNotFoundException">Neither a folder nor a file exists at <paramref name="root"/>.</exception>
    public static IEnumerable<MsdScanEntry> Enumerate(string root, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (File.Exists(root))
            return [ReadOne(root)];
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"{root}: MSD folder not found (expected a folder of track .h5 files)");
        return Walk(root, cancellationToken);
    }

    /// <summary>Reads every track under <paramref name="root"/>; <paramref name="progress"/> gets the count of files seen.</summary>
    /// <example><code>var scan = MsdFolderScanner.Scan(dir); Console.WriteLine($"{scan.Tracks.Count} ok, {scan.Failures.Count} bad");</code></example>
    public static MsdScanResult Scan(string root, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var tracks = new List<MsdTrack>();
        var failures = new List<MsdScanEntry>();
        int seen = 0;
        foreach (var entry in Enumerate(root, cancellationToken))
        {
            if (entry.Track is { } track) tracks.Add(track);
            else failures.Add(entry);
            progress?.Report(++seen);
        }
        return new MsdScanResult(tracks, failures);
    }

    private static IEnumerable<MsdScanEntry> Walk(string root, CancellationToken cancellationToken)
    {
        // Depth-first with an explicit stack (no recursion limit on deep trees). Sub-folders are pushed in reverse
        // order so they pop in ordinal order.
        var pending = new Stack<string>();
        pending.Push(root);
        var options = new EnumerationOptions { IgnoreInaccessible = true, MatchCasing = MatchCasing.CaseInsensitive };
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string dir = pending.Pop();

            string[] files = Directory.GetFiles(dir, "*.h5", options);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return ReadOne(file);
            }

            string[] subdirs = Directory.GetDirectories(dir, "*", options);
            Array.Sort(subdirs, StringComparer.Ordinal);
            for (int i = subdirs.Length - 1; i >= 0; i--)
                pending.Push(subdirs[i]);
        }
    }

    private static MsdScanEntry ReadOne(string file)
    {
        try
        {
            return new MsdScanEntry(file, MsdTrackReader.Read(file), null);
        }
        catch (MsdFormatException e)
        {
            return new MsdScanEntry(file, null, e.Reason);
        }
        catch (FileNotFoundException)
        {
            return new MsdScanEntry(file, null, "file vanished during the walk");
        }
    }
}
