namespace MusicGenre.Kernels;

/// <summary>Marker for assembly lookups.</summary>
internal static class AssemblyMarker { }
