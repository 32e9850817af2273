namespace MusicGenre.Pipeline;

/// <summary>How a file that could not be used is reported in one line: its path, then the problem.</summary>
internal static class FileProblem
{
    /// <summary>
    /// <c>path: reason</c>, or the reason alone when it already starts with the path (decoder errors name their file
    /// first), so that a skip line does not say the path twice.
    /// </summary>
    public static string Line(string path, string reason) =>
        reason.StartsWith(path, StringComparison.Ordinal) ? reason : $"{path}: {reason}";
}
