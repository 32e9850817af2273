using System.CommandLine;
using MusicGenre.Features;
using MusicGenre.Pipeline.Features;

namespace MusicGenre.Cli.Commands;

/// <summary><c>musicgenre features &lt;audio&gt; --preset NAME --out FILE.h5</c>: librosa-exact features of one file.</summary>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var audio = new Argument<string>("audio") { Description = "Audio file (WAV, MP3, AU), format detected from its content." };
        var preset = new Option<string>("--preset", "-p")
        {
            Description = $"Feature preset: {string.Join(", ", FeaturePresets.All.Select(p => p.Name))}.",
            DefaultValueFactory = _ => FeaturePresets.LibrosaDefault.Name,
        };
        var output = new Option<string>("--out", "-o") { Description = "Output HDF5 file (/melspec, /logmel, /mfcc).", Required = true };
        var force = ArgParsing.ForceOption();
        var offset = new Option<double>("--offset") { Description = "Start reading at this many seconds (like librosa.load)." };
        var duration = new Option<double?>("--duration") { Description = "Read at most this many seconds." };
        var command = new Command("features", "Compute mel spectrogram, log-mel and MFCC of one audio file exactly as librosa 0.10.2, into an HDF5 file.")
        {
            audio, preset, output, offset, duration, force,
        };
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            string name = parse.GetValue(preset)!;
            var options = FeaturePresets.All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"unknown preset '{name}'; known presets: {string.Join(", ", FeaturePresets.All.Select(p => p.Name))}");
            string input = ArgParsing.ExistingPath(parse.GetValue(audio)!, "audio file");
            if (Directory.Exists(input)) throw new UsageException($"audio file '{input}' is a folder");
            string outPath = ArgParsing.OutputFile(parse.GetValue(output)!, "--out", ArgParsing.OutputKind.ClipFeatures, parse.GetValue(force), input);
            double off = parse.GetValue(offset);
            double? dur = parse.GetValue(duration);
            if (off < 0 || !double.IsFinite(off)) throw new UsageException($"--offset {off} must be a non-negative number of seconds");
            if (dur is { } d && (d <= 0 || !double.IsFinite(d))) throw new UsageException($"--duration {d} must be a positive number of seconds");
            var datasets = ClipFeatures.WriteFile(input, options, outPath, out string? warning, off, dur);
            if (warning is not null) ctx.Error.WriteLine($"warning: {MusicGenre.IO.DisplayText.OneLine(warning)}");
            foreach (var ds in datasets)
                ctx.Out.WriteLine($"/{ds.Name} [{string.Join(", ", ds.Shape)}]");
            ctx.Out.WriteLine($"wrote {outPath} (preset {options.Name})");
            return CliApp.Ok;
        });
        return command;
    }
}
