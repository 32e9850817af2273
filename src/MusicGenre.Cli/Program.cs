namespace MusicGenre.Cli;

/// <summary>The <c>musicgenre</c> executable: parse, run one command, map failures to exit codes.</summary>
internal static class Program
{
    private static int Main(string[] args) => CliApp.Run(args, Console.Out, Console.Error);
}
