namespace MusicGenre.Data;

/// <summary>Marker for assembly lookups.</summary>
internal static class AssemblyMarker { }
