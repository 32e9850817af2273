namespace MusicGenre.IO;

/// <summary>
/// Real paths (every symbolic link resolved), for telling whether two names are one file: an output that is also an
/// input is refused before any work, whatever links lead to it.
/// </summary>
internal static class RealPaths
{
    /// <summary>
    /// The full path with every symbolic link resolved, in the last component and in every folder above it (the path as
    /// given when a link cannot be resolved, e.g. a loop).
    /// </summary>
    public static string Of(string path) => Of(path, folders: null);

    /// <summary>
    /// True when <paramref name="output"/> exists and is, links resolved, one of <paramref name="paths"/>; the first such
    /// path is returned. Folders are resolved once each, so a million files in a few folders cost about one system call each.
    /// </summary>
    public static bool TryFindSameFile(string output, IEnumerable<string> paths, out string? same)
    {
        same = null;
        if (!File.Exists(output)) return false;
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        string real = Of(output, folders);
        foreach (string path in paths)
        {
            if (Of(path, folders) != real) continue;
            same = path;
            return true;
        }
        return false;
    }

    private static string Of(string path, Dictionary<string, string>? folders)
    {
        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        if (parent is null) return full;
        try
        {
            // Resolve the folder first, then this entry in it; a link's target is resolved the same way. An entry that
            // does not exist (yet) is not a link: its folder's real path is the answer.
            string realParent;
            if (folders is null) realParent = Of(parent, null);
            else if (!folders.TryGetValue(parent, out realParent!)) folders[parent] = realParent = Of(parent, folders);
            string here = Path.Combine(realParent, Path.GetFileName(full));
            var info = new FileInfo(here);
            if (info.LinkTarget is null) return here;
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? here : Of(target.FullName, folders);
        }
        catch (IOException) { return full; }
    }
}
