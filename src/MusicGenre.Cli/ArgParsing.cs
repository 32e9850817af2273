using System.Globalization;
using System.Numerics;

namespace MusicGenre.Cli;

/// <summary>Parsers for the value syntaxes the commands share (<c>k/N</c> shards, durations such as <c>3s</c>).</summary>
internal static class ArgParsing
{
    /// <summary>Refuses (usage error) the first of <paramref name="options"/> given on the command line, saying why it does not apply.</summary>
    public static void RefuseGiven(System.CommandLine.ParseResult parse, string why, params System.CommandLine.Option[] options)
    {
        foreach (var option in options)
            if (parse.GetResult(option) is { Implicit: false })
                throw new UsageException($"{option.Name} {why}");
    }

    /// <summary>
    /// Makes every number option of <paramref name="command"/> and its subcommands read one syntax whatever the user's
    /// locale: invariant culture, a point for decimals, an optional exponent (<c>1e-3</c>), no thousands separators. The
    /// default parser follows the current culture, where <c>--lr 0.001</c> reads as 1 in German (the point groups
    /// thousands there) and <c>--gain -20</c> is refused in Arabic; and <c>--lr 0,001</c> read as 1 in every locale.
    /// </summary>
    public static void InvariantNumbers(System.CommandLine.Command command)
    {
        foreach (var option in command.Options)
            switch (option)
            {
                case System.CommandLine.Option<double> o: o.CustomParser = r => Number(r, o.Name, double.Parse); break;
                case System.CommandLine.Option<double?> o: o.CustomParser = r => Number(r, o.Name, double.Parse); break;
                case System.CommandLine.Option<float> o: o.CustomParser = r => Number(r, o.Name, float.Parse); break;
                case System.CommandLine.Option<float?> o: o.CustomParser = r => Number(r, o.Name, float.Parse); break;
                case System.CommandLine.Option<int> o: o.CustomParser = r => Integer(r, o.Name, int.Parse); break;
                case System.CommandLine.Option<int?> o: o.CustomParser = r => Integer(r, o.Name, int.Parse); break;
                case System.CommandLine.Option<long> o: o.CustomParser = r => Integer(r, o.Name, long.Parse); break;
                case System.CommandLine.Option<ulong> o: o.CustomParser = r => Integer(r, o.Name, ulong.Parse); break;
            }
        foreach (var sub in command.Subcommands) InvariantNumbers(sub);
    }

    /// <summary>A finite decimal number (<c>0.001</c>, <c>1e-3</c>, <c>-20</c>); anything else is a parse error naming the option.</summary>
    private static T Number<T>(System.CommandLine.Parsing.ArgumentResult r, string option, Func<string, NumberStyles, IFormatProvider, T> parse)
        where T : struct, IFloatingPointIeee754<T>
    {
        string text = string.Join(" ", r.Tokens.Select(t => t.Value));
        try
        {
            var v = parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);
            if (T.IsFinite(v)) return v;
        }
        catch (Exception e) when (e is FormatException or OverflowException) { }
        r.AddError(text.Contains(',', StringComparison.Ordinal)
            ? $"{option} '{text}' is not a number: write decimals with a point (e.g. 0.001), without thousands separators"
            : $"{option} '{text}' is not a finite number (e.g. 0.001, 1e-3, -20)");
        return default;
    }

    /// <summary>A whole number in invariant syntax (<c>30</c>, <c>-1</c>); anything else is a parse error naming the option.</summary>
    private static T Integer<T>(System.CommandLine.Parsing.ArgumentResult r, string option, Func<string, NumberStyles, IFormatProvider, T> parse)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        string text = string.Join(" ", r.Tokens.Select(t => t.Value));
        try { return parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture); }
        catch (FormatException) { r.AddError($"{option} '{text}' is not a whole number"); }
        catch (OverflowException) { r.AddError(string.Create(CultureInfo.InvariantCulture, $"{option} '{text}' is out of range ({T.MinValue} to {T.MaxValue})")); }
        return default;
    }

    /// <summary>
    /// Parses <c>k/N</c> (0-based k) for <c>--shard</c>; absent means every item. A malformed value is a usage error, an
    /// empty one too: in a job array an unset <c>$SHARD</c> would otherwise make every task do all the work.
    /// </summary>
    public static Pipeline.Preprocess.ShardSpec Shard(string? text)
    {
        if (text is null) return Pipeline.Preprocess.ShardSpec.All;
        if (string.IsNullOrWhiteSpace(text))
            throw new UsageException("--shard '': empty; give k/N (e.g. 0/4), or leave --shard out to take everything (an unset variable in a job script?)");
        try { return Pipeline.Preprocess.ShardSpec.Parse(text); }
        catch (FormatException ex) { throw new UsageException(ex.Message); }
    }

    /// <summary>Parses <c>--device auto|cpu|cuda|opencl</c> (case-insensitive); anything else is a usage error.</summary>
    public static DeviceKind Device(string text)
    {
        try { return Nn.Backends.BackendFactory.ParseDevice(text); }
        catch (ArgumentException) { throw new UsageException($"--device '{text}' is not one of auto, cpu, cuda, opencl"); }
    }

    /// <summary>Parses a duration in seconds: <c>3</c>, <c>3s</c>, <c>2.5s</c> or <c>500ms</c>.</summary>
    public static double Seconds(string text, string option)
    {
        var (t, unit) = SplitUnit(text);
        double scale = unit == "ms" ? 1e-3 : 1;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v))
            return v * scale;
        throw new UsageException($"{option} '{text}' is not a positive duration (e.g. 3s, 2.5s, 500ms)");
    }

    /// <summary>
    /// Parses a duration or a range <c>MIN-MAX</c> of them (<c>2-3s</c>, <c>2000-3000ms</c>, <c>2500ms-3s</c>): one unit
    /// after the range names both ends, as it reads; a single duration is both ends.
    /// </summary>
    public static (double Min, double Max) SecondsRange(string text, string option)
    {
        int dash = text.IndexOf('-', 1);
        if (dash < 0) { double v = Seconds(text, option); return (v, v); }
        string low = text[..dash], high = text[(dash + 1)..];
        if (SplitUnit(low).Unit.Length == 0) low += SplitUnit(high).Unit;
        return (Seconds(low, option), Seconds(high, option));
    }

    /// <summary>The number part and the unit (<c>ms</c>, <c>s</c> or none) of a duration, trimmed and lower-cased.</summary>
    private static (string Number, string Unit) SplitUnit(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t.EndsWith("ms", StringComparison.Ordinal)) return (t[..^2], "ms");
        return t.EndsWith('s') ? (t[..^1], "s") : (t, "");
    }

    /// <summary>An input path named on the command line must exist (file or folder).</summary>
    public static string ExistingPath(string path, string what)
    {
        if (string.IsNullOrEmpty(path)) throw new UsageException($"{what}: an empty path");
        if (path == "-" && !File.Exists(path))
            throw new UsageException($"{what} '-': reading standard input is not supported; save the audio to a file and give its path");
        if (MusicGenre.IO.InputFile.Check(path) is { Kind: MusicGenre.IO.InputFile.Kind.BrokenLink } link)
            throw new UsageException($"{what} '{path}' is {link.Text}");
        if (File.Exists(path) || Directory.Exists(path)) return Path.GetFullPath(path);
        // A command that takes any number of inputs receives a mistyped option as one (System.CommandLine passes it on).
        if (path.StartsWith('-'))
            throw new UsageException($"unknown option '{path}' (see --help; a file of that name: ./{path})");
        throw new UsageException($"{what} '{path}' does not exist");
    }

    /// <summary>The <c>--force</c> option of commands that write a file: replace an existing file that is not of the kind written.</summary>
    public static System.CommandLine.Option<bool> ForceOption() => new("--force")
    {
        Description = "Replace an existing --out file even when it is not the kind of file this command writes.",
    };

    /// <summary>Kinds of output file: a PNG told apart by its first bytes, MusicGenre's HDF5 files by their root <c>format</c> attribute.</summary>
    public enum OutputKind { FeatureStore, Model, ClipFeatures, Png }

    /// <summary>
    /// An existing <paramref name="full"/> may be replaced only when it is already the kind of file the command writes (a
    /// feature store by preprocess and merge, a model by train, a feature file by features, a PNG for a plot) or with
    /// <c>--force</c>, so a stray name cannot destroy a model, a store, notes or audio.
    /// </summary>
    internal static void CheckReplaceable(string full, string what, OutputKind kind, bool force)
    {
        if (force || !File.Exists(full)) return;
        // An empty file, or a pipe or device (which reading would block on), is not a file this command wrote.
        if (MusicGenre.IO.InputFile.Check(full) is { Kind: MusicGenre.IO.InputFile.Kind.Empty })
            throw new UsageException($"{what} '{full}' exists and is empty, or a pipe or device; refusing to overwrite it (use --force to replace it)");
        string? wanted = kind switch
        {
            OutputKind.FeatureStore => MusicGenre.Data.FeatureStore.FeatureStoreLayout.Format,
            OutputKind.Model => MusicGenre.Nn.ModelFile.ModelFileFormat.ModelFormat,
            OutputKind.ClipFeatures => MusicGenre.Pipeline.Features.ClipFeatures.Format,
            _ => null,
        };
        string expected = wanted is null ? "a PNG image" : DescribeFormat(wanted);
        string Refuse(string found) => $"{what} '{full}' exists and is {found}, not {expected}; refusing to overwrite it (use --force to replace it)";
        // 1. The first bytes: 0x89 'H' 'D' 'F' \r \n 0x1A \n, or 0x89 'P' 'N' 'G' \r \n 0x1A \n.
        ReadOnlySpan<byte> hdf5 = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A], png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Span<byte> head = stackalloc byte[8];
        int got;
        try
        {
            using var f = File.OpenRead(full);
            got = f.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{what} '{full}' exists and cannot be read ({e.Message}); remove it or use --force");
        }
        bool isHdf5 = got == 8 && head.SequenceEqual(hdf5), isPng = got == 8 && head.SequenceEqual(png);
        if (kind == OutputKind.Png)
        {
            if (!isPng) throw new UsageException(Refuse(isHdf5 ? "an HDF5 file" : "another kind of file"));
            return;
        }
        if (!isHdf5) throw new UsageException(Refuse(isPng ? "a PNG image" : "another kind of file"));
        // 2. Which MusicGenre file it is (an unreadable one, e.g. truncated, is not replaced silently either).
        string? format;
        try { format = MusicGenre.Data.Hdf5RootFormat.Read(full); }
        catch (IOException e) { throw new UsageException($"{what} '{full}' exists and cannot be read ({e.Message}); remove it or use --force"); }
        // A 'features' file written before files carried a format: no attribute, and features' three datasets.
        bool oldClipFeatures = kind == OutputKind.ClipFeatures && format is null
            && MusicGenre.Data.Hdf5RootFormat.HasRootDatasets(full, "melspec", "logmel", "mfcc");
        if (format != wanted && !oldClipFeatures) throw new UsageException(Refuse(DescribeFormat(format)));
    }

    /// <summary>What an HDF5 file with root attribute <c>format</c> = <paramref name="format"/> is, in words.</summary>
    private static string DescribeFormat(string? format) => format switch
    {
        null => "an HDF5 file of another program",
        MusicGenre.Data.FeatureStore.FeatureStoreLayout.Format => "a MusicGenre feature store",
        MusicGenre.Nn.ModelFile.ModelFileFormat.ModelFormat => "a MusicGenre model file",
        MusicGenre.Nn.ModelFile.ModelFileFormat.CheckpointFormat => "a MusicGenre training checkpoint",
        MusicGenre.Pipeline.Features.ClipFeatures.Format => "a 'musicgenre features' file",
        _ => $"an HDF5 file of format '{format}'",
    };

    /// <summary>
    /// An existing text output (a CSV or Markdown file this tool writes) may be replaced only when its first lines are
    /// what this tool writes there (<paramref name="isOurs"/> gets up to its first three lines), or with <c>--force</c>:
    /// a user's own <c>songs.csv</c> or notes beside a plot or in a report folder are never overwritten by accident.
    /// </summary>
    public static void CheckReplaceableText(string full, string what, Func<IReadOnlyList<string>, bool> isOurs, string expected, bool force)
    {
        if (force || !File.Exists(full)) return;
        if (MusicGenre.IO.InputFile.Check(full) is { Kind: MusicGenre.IO.InputFile.Kind.Empty })
            throw new UsageException($"{what} '{full}' exists and is empty, or a pipe or device; refusing to overwrite it (use --force to replace it)");
        var lines = new List<string>(3);
        try
        {
            using var reader = new StreamReader(full);
            for (string? line; lines.Count < 3 && (line = reader.ReadLine()) != null;) lines.Add(line);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{what} '{full}' exists and cannot be read ({e.Message}); remove it or use --force");
        }
        if (!isOurs(lines))
            throw new UsageException($"{what} '{full}' exists and is not {expected}; refusing to overwrite it (use --force to replace it)");
    }

    /// <summary>
    /// The folder of an output file must exist or be creatable; the output must not be one of the command's
    /// <paramref name="inputs"/> (compared with symbolic links resolved), so nothing a command reads is overwritten by it;
    /// and with a <paramref name="kind"/>, an existing file is replaced only when it is of that kind or with
    /// <paramref name="force"/> (<see cref="CheckReplaceable"/>). Returns the full path.
    /// </summary>
    public static string OutputFile(string path, string what, OutputKind? kind, bool force, params string?[] inputs)
    {
        if (string.IsNullOrEmpty(path)) throw new UsageException($"{what}: an empty path");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{what} '{path}' is a folder, not a file");
        string real = RealPath(full);
        foreach (var input in inputs)
            if (input is not null && File.Exists(input) && RealPath(input) == real)
                throw new UsageException($"{what} '{path}' is also an input of this command ({input}); write the output somewhere else");
        if (kind is { } k) CheckReplaceable(full, what, k, force);
        string? dir = Path.GetDirectoryName(full);
        try
        {
            if (dir != null) Directory.CreateDirectory(dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{what} '{path}': cannot create folder '{dir}': {ex.Message}");
        }
        // The output is written to a temporary file in this folder, then renamed: find out now, not after the work,
        // whether the folder takes files.
        if (dir != null && Probe(dir, full, makeFolder: false) is { } problem)
            throw new UsageException($"{what} '{path}': cannot write files in folder '{dir}' ({problem})");
        return full;
    }

    /// <summary>
    /// An output folder that may not exist yet (it is made only once there is something to write): finds out before the
    /// work whether it can be made and take files, by making and removing a probe in it or in its nearest existing folder.
    /// </summary>
    /// <exception cref="UsageException">An empty path, a file in its place, or a folder that cannot be made or written.</exception>
    public static string OutputFolder(string? path, string what)
    {
        if (string.IsNullOrEmpty(path)) throw new UsageException($"{what}: an empty path");
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new UsageException($"{what} '{path}' is a file; give a folder");
        string existing = full;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            if (File.Exists(existing)) throw new UsageException($"{what} '{path}': '{existing}' is a file, so no folder can be made there");
            existing = parent;
        }
        // Where the folder exists a file is written; above it a folder is made, as the run will.
        if (Probe(existing, full, makeFolder: existing != full) is { } problem)
            throw new UsageException($"{what} '{path}': cannot {(existing == full ? "write files in" : "make folders in")} '{existing}' ({problem})");
        return full;
    }

    /// <summary>
    /// Makes and removes hidden probes in <paramref name="folder"/> for <paramref name="output"/>: a file named like the temp
    /// it will be written to (<see cref="MusicGenre.IO.SafeFile"/>'s name, as long), or a folder, and a name of the same length in
    /// UTF-8 bytes as the output's own, so that a name too long for the file system fails now, not at the rename after
    /// the work. Null when that worked, else why not.
    /// </summary>
    private static string? Probe(string folder, string output, bool makeFolder)
    {
        string name = Path.GetFileName(output);
        int nameBytes = System.Text.Encoding.UTF8.GetByteCount(name);
        string twin = $".probe.{Guid.NewGuid():N}";
        if (nameBytes > twin.Length) twin = twin.PadRight(nameBytes, '_');
        string current = twin;
        try
        {
            if (makeFolder) Directory.Delete(Directory.CreateDirectory(Path.Combine(folder, twin)).FullName);
            else
            {
                // The temp's own name, but ending '.prb': as long, and never taken for a temp (a sweep or a watcher of
                // '*.tmp' would see one appear and vanish).
                string temp = Path.ChangeExtension(Path.GetFileName(MusicGenre.IO.SafeFile.TempPath(Path.Combine(folder, name))), ".prb");
                foreach (string probe in new[] { temp, twin })
                {
                    current = probe;
                    new FileStream(Path.Combine(folder, probe), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
                }
            }
            return null;
        }
        catch (PathTooLongException) when (current == twin)
        {
            return $"the name '{name}' is {nameBytes} bytes long in UTF-8, more than this file system takes";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return ex.Message; }
    }

    /// <summary>
    /// The full path with every symbolic link resolved, in the last component and in every folder above it (the path as
    /// given when a link cannot be resolved, e.g. a loop).
    /// </summary>
    public static string RealPath(string path) => MusicGenre.IO.RealPaths.Of(path);

    /// <summary>
    /// The feature stores named on the command line: files, or folders whose <c>*.h5</c> files (dot-files skipped, as
    /// every folder walk does) are taken in name order, each once and none equal to the output — compared by real path,
    /// so a link to the folder or to the output changes nothing. An output inside such a folder is left out of the
    /// inputs when it is not a feature store (e.g. the model of an earlier run), and refused when it is one: writing it
    /// would replace a store that is also an input (e.g. <c>merge shards --out shards/part-0.h5</c>). Other files of this
    /// tool in such a folder (a model, a checkpoint, a <c>features</c> file — told by their root <c>format</c>) are left
    /// out with a note to <paramref name="notes"/>: <c>train shards --out shards/m.h5</c> then works again next time.
    /// </summary>
    /// <exception cref="UsageException">A path does not exist, a folder holds no store, a store is named twice, or the output is one of them.</exception>
    internal static List<string> FeatureStores(IEnumerable<string> inputs, string output, string what, TextWriter notes)
    {
        string realOutput = RealPath(output);
        var files = new List<(string Path, string Real)>(); // each resolved once
        foreach (string input in inputs)
        {
            string full = ExistingPath(input, "feature store");
            if (!Directory.Exists(full))
            {
                files.Add((full, RealPath(full)));
                continue;
            }
            var found = Directory.GetFiles(full, "*.h5").Where(f => !Data.Datasets.AudioFiles.IsHidden(f))
                .Select(f => (Path: Path.GetFullPath(f), Real: RealPath(f))).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            if (found.FindIndex(f => f.Real == realOutput) is var here and >= 0)
            {
                if (IsFeatureStore(found[here].Path))
                    throw new UsageException($"--out '{output}' is a feature store in the input folder '{input}', so it is also an input; write to a file outside that folder");
                found.RemoveAt(here);
            }
            found.RemoveAll(f =>
            {
                if (OtherOwnKind(f.Path) is not { } kind) return false;
                notes.WriteLine($"note: {f.Path} is {kind}, not a feature store; left out");
                return true;
            });
            // A folder with nothing to read is an error, not a silent skip (e.g. a shard folder still being written).
            if (found.Count == 0) throw new UsageException($"feature store folder '{input}' holds no *.h5 files to {what}");
            files.AddRange(found);
        }
        if (files.Count == 0) throw new UsageException($"no feature stores (*.h5) to {what}");
        if (files.Select(f => f.Real).Distinct(StringComparer.Ordinal).Count() != files.Count) throw new UsageException("a feature store is named twice");
        if (files.Any(f => f.Real == realOutput)) throw new UsageException($"--out '{output}' is also an input; write to a new file");
        return files.Select(f => f.Path).ToList();
    }

    // In words, a file of this tool that is not a feature store (a model, a checkpoint, a 'features' file); null for a
    // store or any other file, which the store reader then accepts or names with its problem.
    private static string? OtherOwnKind(string path)
    {
        string? format;
        try { format = MusicGenre.Data.Hdf5RootFormat.Read(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return format is MusicGenre.Nn.ModelFile.ModelFileFormat.ModelFormat or MusicGenre.Nn.ModelFile.ModelFileFormat.CheckpointFormat
            or MusicGenre.Pipeline.Features.ClipFeatures.Format ? DescribeFormat(format) : null;
    }

    private static bool IsFeatureStore(string path)
    {
        try { return MusicGenre.Data.Hdf5RootFormat.Read(path) == MusicGenre.Data.FeatureStore.FeatureStoreLayout.Format; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
