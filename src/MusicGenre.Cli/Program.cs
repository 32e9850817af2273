namespace MusicGenre.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("musicgenre: no commands yet");
        return 2;
    }
}
