using System.Text;

namespace MusicGenre.Data.Datasets;

/// <summary>
/// The ordered list of genres a dataset is labelled with (index = class id). Labels are matched after normalisation
/// (case- and accent-insensitive, letters and digits only, so "Hip-Hop", "hip hop" and "hiphop" are one genre) and through optional
/// aliases (e.g. tagtraum "Rap" → "hiphop"). Labels that match nothing are reported and skipped by the loaders.
/// </summary>
public sealed class GenreList
{
    private readonly Dictionary<string, int> _lookup;

    /// <summary>The 10 GTZAN genres in the project's order (indices 0–9).</summary>
    public static GenreList Gtzan { get; } = new(["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"]);

    /// <summary>The 13 tagtraum CD1 genres, in alphabetical order as they appear in <c>msd_tagtraum_cd1.cls</c>.</summary>
    public static GenreList TagtraumCd1 { get; } = new(["Blues", "Country", "Electronic", "Folk", "International", "Jazz", "Latin",
        "New_Age", "Pop_Rock", "Rap", "Reggae", "RnB", "Vocal"]);

    /// <summary>Creates a genre list; <paramref name="aliases"/> maps extra label spellings to a name in <paramref name="names"/>.</summary>
    /// <exception cref="ArgumentException">Empty list, blank or duplicate names (after normalisation), or an alias to an unknown genre.</exception>
    public GenreList(IEnumerable<string> names, IReadOnlyDictionary<string, string>? aliases = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        Names = names.ToArray();
        var problems = new List<string>();
        if (Names.Count == 0) problems.Add("the genre list is empty");
        _lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Names.Count; i++)
        {
            string key = Normalize(Names[i]);
            if (key.Length == 0) problems.Add($"genre #{i} '{Names[i]}' has no letters or digits");
            else if (!_lookup.TryAdd(key, i)) problems.Add($"genre '{Names[i]}' duplicates '{Names[_lookup[key]]}'");
        }
        foreach (var (alias, target) in aliases ?? new Dictionary<string, string>())
        {
            if (!_lookup.TryGetValue(Normalize(target), out int index)) { problems.Add($"alias '{alias}' points to unknown genre '{target}'"); continue; }
            string key = Normalize(alias);
            if (key.Length == 0) problems.Add($"alias '{alias}' has no letters or digits");
            else if (_lookup.TryGetValue(key, out int existing) && existing != index) problems.Add($"alias '{alias}' clashes with genre '{Names[existing]}'");
            else _lookup[key] = index;
        }
        if (problems.Count > 0)
            throw new ArgumentException("Invalid genre list: " + string.Join("; ", problems), nameof(names));
    }

    /// <summary>Genre names in class-index order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of genres.</summary>
    public int Count => Names.Count;

    /// <summary>The class index of <paramref name="label"/> (normalised, aliases applied), or false when it is not in the list.</summary>
    public bool TryGetIndex(string? label, out int index)
    {
        index = -1;
        return label is not null && _lookup.TryGetValue(Normalize(label), out index);
    }

    /// <summary>
    /// Parses a comma-separated list ("blues,jazz,rock") or a named list ("gtzan", "tagtraum"); <c>null</c>/blank gives
    /// <see cref="Gtzan"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Duplicate or blank names.</exception>
    public static GenreList Parse(string? commaSeparated) => commaSeparated?.Trim().ToLowerInvariant() switch
    {
        null or "" or "gtzan" => Gtzan,
        "tagtraum" or "tagtraum_cd1" => TagtraumCd1,
        _ => new GenreList(commaSeparated.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
    };

    /// <summary>
    /// The matching key of <paramref name="label"/>: its letters and digits, lower-case, without accents. Compatibility
    /// decomposition (NFKD) first, so that one label spelt precomposed ("Électro", as typed) and decomposed ("E" + U+0301,
    /// as macOS stores folder names) or in full-width forms ("Ｒｏｃｋ") is one key; the combining marks it splits off are
    /// dropped. Turkish İ decomposes to I + dot above; its dotless ı is mapped to i, so that "HİPHOP" or "hıphop" typed
    /// on a Turkish keyboard matches "hiphop".
    /// </summary>
    internal static string Normalize(string label)
    {
        var sb = new StringBuilder(label.Length);
        foreach (char c in label.Normalize(NormalizationForm.FormKD))
            if (c == 'ı') sb.Append('i');
            else if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(",", Names);
}
