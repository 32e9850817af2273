namespace MusicGenre.IO;

/// <summary>A write in progress (<see cref="SafeFile.Begin"/>): fill <see cref="TempPath"/>, then <see cref="Commit"/>.</summary>
internal sealed class PendingFile : IDisposable
{
    private bool _committed;

    internal PendingFile(string path, string tempPath) => (Path, TempPath) = (path, tempPath);

    /// <summary>The target (full path).</summary>
    public string Path { get; }

    /// <summary>The hidden temp beside it to write into.</summary>
    public string TempPath { get; }

    /// <summary>Renames the temp over the target (replacing it).</summary>
    /// <exception cref="IOException">The rename failed; the message names the target.</exception>
    public void Commit()
    {
        try { File.Move(TempPath, Path, overwrite: true); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot write '{Path}': {e.Message}", e);
        }
        _committed = true;
    }

    /// <summary>Deletes the temp unless committed.</summary>
    public void Dispose()
    {
        if (!_committed && File.Exists(TempPath)) File.Delete(TempPath);
    }
}
