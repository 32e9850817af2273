using System.Globalization;
using System.Text;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// The folder of finished per-song parts that makes preprocessing resumable: <c>&lt;spool&gt;/&lt;xx&gt;/&lt;hash&gt;.part</c>,
/// named by the stable hash of the song id (256 sub-folders keep directories small for large datasets), plus
/// <c>settings.txt</c>, the settings the parts were made with; a run with other settings refuses to mix them in.
/// A run holds <c>.lock</c> (an exclusive <c>flock</c>) from <see cref="Prepare"/> until it is disposed or the folder
/// deleted, so a second run on the same output — two pods of one Kubernetes index, a task resubmitted while the first
/// still runs — is refused instead of deleting the first one's files in progress.
/// </summary>
internal sealed class SpoolFolder : IDisposable
{
    private const string SettingsFile = "settings.txt", LockFile = ".lock";
    private MusicGenre.IO.FileLock? _lock;

    public SpoolFolder(string directory) => Directory = directory;

    /// <summary>The spool folder.</summary>
    public string Directory { get; }

    /// <summary>Where the part of <paramref name="songId"/> lives (its sub-folder is created).</summary>
    public string PartPath(string songId)
    {
        string hash = ShardSpec.StableHash(songId).ToString("x16", CultureInfo.InvariantCulture);
        string sub = Path.Combine(Directory, hash[..2]);
        System.IO.Directory.CreateDirectory(sub);
        return Path.Combine(sub, hash + ".part");
    }

    /// <summary>
    /// Creates the folder, records <paramref name="settings"/> or checks that they match the recorded ones, and deletes temp
    /// files left by a killed run.
    /// </summary>
    /// <exception cref="PreprocessException">The folder holds parts made with different settings.</exception>
    public void Prepare(IReadOnlyDictionary<string, string> settings)
    {
        // 1. Settings as sorted key=value lines (stable text to compare).
        var text = new StringBuilder();
        foreach (var (key, value) in settings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.Append(key).Append('=').Append(value).Append('\n');

        // 2. Take the folder (one run at a time), then record the settings or compare with what is recorded.
        System.IO.Directory.CreateDirectory(Directory);
        _lock ??= MusicGenre.IO.FileLock.TryTake(Path.Combine(Directory, LockFile))
            ?? throw new PreprocessException($"the spool folder {Directory} is in use by another preprocess writing the same --out; " +
                "wait for it to finish (a re-run then resumes), or give another --out");
        string path = Path.Combine(Directory, SettingsFile);
        if (File.Exists(path))
        {
            string recorded = File.ReadAllText(path);
            if (recorded != text.ToString())
            {
                var old = recorded.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                string diff = string.Join(", ", text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !old.Contains(l)).Take(4));
                throw new PreprocessException($"the spool folder {Directory} holds parts made with other settings (now: {diff}); " +
                    "delete it to start over, or use another --out");
            }
        }
        else
        {
            MusicGenre.IO.SafeFile.WriteAllText(path, text.ToString());
        }

        // 3. Temp files of a killed run are incomplete parts: remove them (one run uses a spool at a time).
        MusicGenre.IO.SafeFile.RemoveAllTemps(Directory);
    }

    /// <summary>
    /// Deletes the whole folder: its parts while still holding it; then, still holding it, the folder is renamed aside so
    /// that a run starting now makes a fresh spool (deleting it after the release could remove the spool of a run that took
    /// the lock in between: Linux deletes a folder in use); released — an open file cannot be deleted on Windows and leaves
    /// a <c>.nfsXXXX</c> stand-in on NFS — the renamed folder with the lock file goes. Where the rename fails (Windows, with
    /// the lock file open), the folder is deleted in place after the release, as before.
    /// </summary>
    public void Delete()
    {
        string gone = Directory;
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (string sub in System.IO.Directory.EnumerateDirectories(Directory)) System.IO.Directory.Delete(sub, recursive: true);
            foreach (string file in System.IO.Directory.EnumerateFiles(Directory).Where(f => Path.GetFileName(f) != LockFile)) File.Delete(file);
            string aside = Directory.TrimEnd(Path.DirectorySeparatorChar) + ".done-" + Guid.NewGuid().ToString("N")[..12];
            try { System.IO.Directory.Move(Directory, aside); gone = aside; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        Dispose();
        try { if (System.IO.Directory.Exists(gone)) System.IO.Directory.Delete(gone, recursive: true); }
        catch (IOException) { } // in place: another run took the folder in the instant between, it is its spool now
    }

    /// <summary>Lets the folder go (releases <c>.lock</c>); the parts stay for the next run.</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
