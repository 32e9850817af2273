using MusicGenre.IO;

namespace MusicGenre.Data.Tests.IO;

public sealed class InputFileTests
{
    [Fact]
    public void StandardInputGivenAsAPath_IsNamedAPipe_NotABrokenLink()
    {
        if (OperatingSystem.IsWindows()) return; // /dev/stdin → /proc/self/fd/0 → "pipe:[N]" is how Linux shows a piped stdin
        string dir = SharedData.NewTempDir("musicgenre-inputfile");
        // /proc/self/fd/0 of a piped process is a link whose target is the text "pipe:[N]"; links to it end there too.
        string fd = Path.Combine(dir, "0"), stdin = Path.Combine(dir, "stdin"), gone = Path.Combine(dir, "gone");
        File.CreateSymbolicLink(fd, "pipe:[4242]");
        File.CreateSymbolicLink(stdin, fd);
        File.CreateSymbolicLink(gone, Path.Combine(dir, "nothing-here"));

        foreach (var path in new[] { fd, stdin })
        {
            var problem = InputFile.Check(path);
            Assert.NotNull(problem);
            Assert.Equal(InputFile.Kind.Empty, problem.Value.Kind);
            Assert.Contains("a pipe or socket", problem.Value.Text);
        }
        Assert.Equal(InputFile.Kind.BrokenLink, InputFile.Check(gone)!.Value.Kind); // a real broken link is still one
    }
}
