using System.Runtime.Intrinsics;

namespace MusicGenre.Simd;

/// <summary>The widest vector path a plan may use; <see cref="Scalar"/> selects the scalar twin everywhere.</summary>
internal enum SimdWidth
{
    /// <summary>Plain scalar code (the reference twin of the vector paths).</summary>
    Scalar = 1,

    /// <summary>Up to <see cref="Vector128{T}"/> (4 floats).</summary>
    V128 = 4,

    /// <summary>Up to <see cref="Vector256{T}"/> (8 floats).</summary>
    V256 = 8,

    /// <summary>Up to <see cref="Vector512{T}"/> (16 floats).</summary>
    V512 = 16,
}
