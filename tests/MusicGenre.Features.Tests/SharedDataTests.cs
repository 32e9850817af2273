using MusicGenre.TestSupport;

namespace MusicGenre.Features.Tests;

public class SharedDataTests
{
    [SharedFact]
    public void SharedFolderIsReadable() => Assert.True(Directory.Exists(SharedData.GoldenDir), SharedData.GoldenDir);
}
