namespace MusicGenre.Nn;

/// <summary>Marker for assembly lookups.</summary>
internal static class AssemblyMarker { }
