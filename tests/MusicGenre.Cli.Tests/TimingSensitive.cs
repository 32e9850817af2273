namespace MusicGenre.Cli.Tests;

/// <summary>
/// Tests that stop a real process at a chosen moment (SIGTERM, SIGKILL, scancel): they run on their own, not beside the
/// CPU-heavy test classes, so the moment they wait for is not stretched or skipped by a loaded machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}
