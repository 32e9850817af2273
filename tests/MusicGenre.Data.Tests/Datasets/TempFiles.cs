namespace MusicGenre.Data.Tests.Datasets;

/// <summary>Builds small folder trees and text files in a fresh temp folder.</summary>
internal static class TempFiles
{
    public static string Tree(params string[] relativeFiles)
    {
        string root = SharedData.NewTempDir("musicgenre-data");
        foreach (string rel in relativeFiles)
        {
            string full = Path.Combine(root, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, [1, 2, 3]);
        }
        return root;
    }

    public static string Text(string name, string content)
    {
        string path = Path.Combine(SharedData.NewTempDir("musicgenre-data"), name);
        File.WriteAllText(path, content);
        return path;
    }
}
