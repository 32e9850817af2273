namespace MusicGenre.Simd;

/// <summary>
/// Lane-wise float arithmetic for one vector width. The vector kernels (FFT butterflies, mel filterbank, the MP3
/// decoder's IMDCT and synthesis filterbank) are written once against this interface and instantiated for <see cref="Vec512Ops"/>, <see cref="Vec256Ops"/>, <see cref="Vec128Ops"/> and the scalar twin
/// <see cref="ScalarOps"/>; the JIT specialises each struct instantiation, so the calls inline to single instructions.
/// <para>Only in optimised code: the runtime first compiles a method quickly, without inlining (tier 0), and replaces it
/// once it has been called often enough, so a kernel's first calls make every operation a function call. The kernels that
/// a short run spends its time in (the FFT passes, log-mel and decibel loops, PCM conversion, the sample scans, and the
/// network's convolution, pooling and normalisation kernels) are
/// therefore marked <c>[MethodImpl(MethodImplOptions.AggressiveOptimization)]</c>: optimised from their first call
/// (measured 2026-12-07 on an idle Zen 4, <c>Features/RESULTS.md</c>: <c>features</c> of one clip 0.43–0.46 → 0.25–0.32 s,
/// a 1-thread <c>preprocess</c> of 100 clips 1.46–1.78 → 1.17–1.33 s of CPU; with the network's kernels too,
/// <c>Training/RESULTS.md</c>: <c>predict</c> of the five example songs 0.71–0.75 → 0.47–0.54 s, and training epochs after
/// the first as fast as before).</para>
/// </summary>
/// <typeparam name="TV">The register type: <see cref="float"/> or a <c>VectorNNN&lt;float&gt;</c>.</typeparam>
internal interface ISimdOps<TV> where TV : struct
{
    /// <summary>Number of float lanes in <typeparamref name="TV"/>.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> consecutive floats starting at <paramref name="src"/>[<paramref name="index"/>].</summary>
    static abstract TV Load(ref float src, nuint index);

    /// <summary>Stores all lanes at <paramref name="dst"/>[<paramref name="index"/>] onwards.</summary>
    static abstract void Store(TV value, ref float dst, nuint index);

    /// <summary>A register with every lane equal to <paramref name="x"/>.</summary>
    static abstract TV Broadcast(float x);

    static abstract TV Add(TV a, TV b);

    static abstract TV Sub(TV a, TV b);

    static abstract TV Mul(TV a, TV b);

    /// <summary>a·b + c (fused where the hardware has it).</summary>
    static abstract TV MulAdd(TV a, TV b, TV c);

    /// <summary>Lane-wise maximum with <see cref="MathF.Max(float, float)"/>'s rules (NaN wins; +0 above −0).</summary>
    static abstract TV Max(TV a, TV b);

    /// <summary>The largest lane (<see cref="MathF.Max(float, float)"/>'s rules); the value itself for the scalar twin.</summary>
    static abstract float MaxAcross(TV v);

    /// <summary>Lane-wise |v|.</summary>
    static abstract TV Abs(TV v);

    /// <summary>True when a[l] ≤ b[l] in every lane (false where either is NaN).</summary>
    static abstract bool AllLessOrEqual(TV a, TV b);

    /// <summary>The lanes in reverse order (lane i takes lane Count − 1 − i); identity for the scalar twin.</summary>
    static abstract TV Reverse(TV v);

    // ---- Lane masks: all 32 bits set where the condition holds, else 0 (a set lane reads as NaN if used as a float) ----

    /// <summary>Mask of a[l] &gt; b[l] (false where either is NaN).</summary>
    static abstract TV GreaterThan(TV a, TV b);

    /// <summary>Mask of a[l] == b[l] (false where either is NaN; +0 equals −0).</summary>
    static abstract TV Equal(TV a, TV b);

    /// <summary>Mask of lanes that are NaN.</summary>
    static abstract TV IsNaN(TV v);

    /// <summary>Bitwise mask ? a : b, lane by lane (mask from the comparisons above).</summary>
    static abstract TV Select(TV mask, TV a, TV b);

    /// <summary>Bitwise a &amp; b.</summary>
    static abstract TV And(TV a, TV b);

    /// <summary>Bitwise a | b.</summary>
    static abstract TV Or(TV a, TV b);

    /// <summary>Bitwise a &amp; ~b.</summary>
    static abstract TV AndNot(TV a, TV b);

    /// <summary>Bitwise ~v.</summary>
    static abstract TV Not(TV v);

    /// <summary>
    /// <c>even[l] = src[index + 2·l]</c>, <c>odd[l] = src[index + 2·l + 1]</c>: reads 2·Count floats and splits them into
    /// their two stride-2 phases (the left and right columns of 2-wide windows).
    /// </summary>
    static abstract void LoadDeinterleaved2(ref float src, nuint index, out TV even, out TV odd);

    /// <summary>The inverse of <see cref="LoadDeinterleaved2"/>: <c>dst[index + 2·l] = even[l]</c>, <c>dst[index + 2·l + 1] = odd[l]</c>.</summary>
    static abstract void StoreInterleaved2(TV even, TV odd, ref float dst, nuint index);

    /// <summary>
    /// Stores the four registers interleaved: <c>dst[index + 4·l + k] = b_k[l]</c> for every lane l and k &lt; 4
    /// (a 4 × Count transpose, 4·Count floats).
    /// </summary>
    static abstract void StoreInterleaved4(TV b0, TV b1, TV b2, TV b3, ref float dst, nuint index);

    /// <summary>
    /// The inverse of <see cref="StoreInterleaved4"/>: <c>b_k[l] = src[index + 4·l + k]</c> for every lane l and k &lt; 4
    /// (reads 4·Count floats and splits them into their four stride-4 phases).
    /// </summary>
    static abstract void LoadDeinterleaved4(ref float src, nuint index, out TV b0, out TV b1, out TV b2, out TV b3);

    /// <summary>
    /// Stores the four registers' 128-bit blocks interleaved: block g of <c>b_k</c> (lanes 4g..4g + 3) goes to
    /// <c>dst[index + 16·g + 4·k …]</c> (a 4 × Count/4 transpose of blocks, 4·Count floats). The radix-4 pass with
    /// stride 4 writes its outputs this way. Not defined for the scalar twin (a lane is not a block).
    /// </summary>
    static abstract void StoreBlocks4(TV b0, TV b1, TV b2, TV b3, ref float dst, nuint index);
}
