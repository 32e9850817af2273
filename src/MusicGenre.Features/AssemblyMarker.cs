namespace MusicGenre.Features;

/// <summary>Marker for assembly lookups.</summary>
internal static class AssemblyMarker { }
