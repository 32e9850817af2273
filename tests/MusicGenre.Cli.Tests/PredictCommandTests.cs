namespace MusicGenre.Cli.Tests;

public sealed class PredictInputsTests
{
    [Fact]
    public void SymlinkLoopsAndLinkedCopies_GiveEachFileOnce()
    {
        string dir = SharedData.NewTempDir("musicgenre-links");
        string songs = Path.Combine(dir, "songs");
        Directory.CreateDirectory(songs);
        string song = Path.Combine(songs, "a.wav");
        File.WriteAllBytes(song, [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(songs, "b.mp3"), [1, 2, 3]);
        Directory.CreateSymbolicLink(Path.Combine(songs, "loop"), songs);          // songs/loop → songs
        File.CreateSymbolicLink(Path.Combine(dir, "alias.wav"), song);             // a second name for a.wav
        var files = MusicGenre.Cli.Commands.PredictCommand.Expand([songs, dir, song]).ToArray();
        Assert.Equal([song, Path.Combine(songs, "b.mp3")], files);
    }
}
