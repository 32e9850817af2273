using System.CommandLine;

namespace MusicGenre.Cli.Commands;

/// <summary>Every subcommand of <c>musicgenre</c>, in the order of the pipeline.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        DownloadCommand.Create(),
        PreprocessCommand.Create(),
        FeaturesCommand.Create(),
        MergeCommand.Create(),
        TsneCommand.Create(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        PredictCommand.Create(),
        InfoCommand.Create(),
    ];
}
