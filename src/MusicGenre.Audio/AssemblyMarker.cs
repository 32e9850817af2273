namespace MusicGenre.Audio;

/// <summary>Marker for assembly lookups.</summary>
internal static class AssemblyMarker { }
