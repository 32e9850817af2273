using System.Runtime.Intrinsics;

namespace MusicGenre.Simd.Tests;

/// <summary>
/// Each <see cref="ISimdOps{TV}"/> operation at each width against its documented lane-by-lane definition on random
/// data with special values (NaN, ±0, ±∞, denormals), run through one generic check per width so that every struct
/// is held to the same definition. The FFT, mel, MFCC and MP3 kernels rely on these.
/// </summary>
public sealed class SimdOpsTests
{
    private static float[] Data(int count, int seed)
    {
        // About one lane in three holds a special value drawn at random, so the two operands meet every pairing (NaN with
        // a number, +0 with −0, ∞ with ∞ …) over the rounds.
        var rng = new Random(seed);
        float[] specials = [float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, -1e-40f, 1f, float.MaxValue];
        return Enumerable.Range(0, count)
            .Select(_ => rng.Next(3) == 0 ? specials[rng.Next(specials.Length)] : (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 7))))
            .ToArray();
    }

    [Fact]
    public void EveryOperation_MatchesItsLaneDefinition_AtEveryWidth()
    {
        Check<ScalarOps, float>();
        if (Vector128.IsHardwareAccelerated) Check<Vec128Ops, Vector128<float>>();
        if (Vector256.IsHardwareAccelerated) Check<Vec256Ops, Vector256<float>>();
        if (Vector512.IsHardwareAccelerated) Check<Vec512Ops, Vector512<float>>();
    }

    private static void Check<TOps, TV>() where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int c = TOps.Count;
        string name = typeof(TOps).Name;
        for (int round = 0; round < 200; round++)
        {
            float[] a = Data(4 * c, 2 * round), b = Data(4 * c, 2 * round + 1);
            // Offset loads and stores: index counts floats, not registers.
            TV va = TOps.Load(ref a[0], (nuint)c), vb = TOps.Load(ref b[0], (nuint)c);
            var lanes = new float[4 * c];

            Lanes(TOps.Add(va, vb), (x, y) => x + y);
            Lanes(TOps.Sub(va, vb), (x, y) => x - y);
            Lanes(TOps.Mul(va, vb), (x, y) => x * y);
            Lanes(TOps.Max(va, vb), MathF.Max);
            Lanes(TOps.Abs(va), (x, _) => MathF.Abs(x));
            Lanes(TOps.Reverse(va), (_, _) => float.NaN, reverse: true);

            // MulAdd: fused (one rounding of the exact a·b + c) or not (a·b rounded, then the sum): within half an ulp of
            // a·b plus half an ulp of the result (checked on finite lanes).
            TV fma = TOps.MulAdd(va, vb, va);
            TOps.Store(fma, ref lanes[0], 0);
            for (int l = 0; l < c; l++)
            {
                double exact = (double)a[c + l] * b[c + l] + a[c + l];
                double product = (double)a[c + l] * b[c + l];
                if (double.IsFinite(exact) && Math.Abs(exact) < 1e30 && Math.Abs(product) < 1e30)
                    Assert.True(Math.Abs(lanes[l] - exact) <= 6e-8 * (Math.Abs(product) + Math.Abs(exact)) + 1e-44, $"{name} MulAdd lane {l}: {lanes[l]} vs {exact}");
            }

            // MaxAcross: the MathF.Max fold of every lane (NaN wins).
            float across = TOps.MaxAcross(va), fold = float.NegativeInfinity;
            for (int l = 0; l < c; l++) fold = MathF.Max(fold, a[c + l]);
            Assert.True(Same(across, fold), $"{name} MaxAcross: {across} vs {fold}");

            // AllLessOrEqual: every lane a ≤ b (false where either is NaN).
            bool all = true;
            for (int l = 0; l < c; l++) all &= a[c + l] <= b[c + l];
            Assert.Equal(all, TOps.AllLessOrEqual(va, vb));
            Assert.Equal(!a.Skip(c).Take(c).Any(float.IsNaN), TOps.AllLessOrEqual(va, va)); // x ≤ x fails only for NaN

            // Broadcast; Store at an offset leaves the neighbours alone.
            var target = Enumerable.Repeat(-7f, 3 * c).ToArray();
            TOps.Store(TOps.Broadcast(2.5f), ref target[0], (nuint)c);
            Assert.True(target.Take(c).All(v => v == -7f) && target.Skip(c).Take(c).All(v => v == 2.5f) && target.Skip(2 * c).All(v => v == -7f), $"{name} Broadcast/Store");

            // Interleave: dst[4l + k] = b_k[l], and LoadDeinterleaved4 is its inverse.
            TV b0 = TOps.Load(ref a[0], 0), b1 = TOps.Load(ref a[0], (nuint)c), b2 = TOps.Load(ref b[0], 0), b3 = TOps.Load(ref b[0], (nuint)c);
            float[][] rows = [a[..c], a[c..(2 * c)], b[..c], b[c..(2 * c)]];
            var interleaved = new float[4 * c];
            TOps.StoreInterleaved4(b0, b1, b2, b3, ref interleaved[0], 0);
            for (int l = 0; l < c; l++)
                for (int k = 0; k < 4; k++)
                    Assert.True(interleaved[4 * l + k].Equals(rows[k][l]), $"{name} StoreInterleaved4 lane {l} row {k}");
            TOps.LoadDeinterleaved4(ref interleaved[0], 0, out var d0, out var d1, out var d2, out var d3);
            TV[] back = [d0, d1, d2, d3];
            for (int k = 0; k < 4; k++)
            {
                TOps.Store(back[k], ref lanes[0], 0);
                Assert.True(lanes.AsSpan(0, c).SequenceEqual(rows[k]), $"{name} LoadDeinterleaved4 row {k}");
            }

            // Masks: all bits where the comparison holds, none elsewhere; bitwise ops and Select on them, lane by lane.
            MaskLanes(TOps.GreaterThan(va, vb), (x, y) => x > y);
            MaskLanes(TOps.Equal(va, vb), (x, y) => x == y);
            MaskLanes(TOps.IsNaN(va), (x, _) => float.IsNaN(x));
            TV gt = TOps.GreaterThan(va, vb), nan = TOps.IsNaN(vb);
            MaskLanes(TOps.And(gt, nan), (x, y) => x > y && float.IsNaN(y));
            MaskLanes(TOps.Or(gt, nan), (x, y) => x > y || float.IsNaN(y));
            MaskLanes(TOps.AndNot(gt, nan), (x, y) => x > y && !float.IsNaN(y));
            MaskLanes(TOps.Not(gt), (x, y) => !(x > y));
            Lanes(TOps.Select(gt, va, vb), (x, y) => x > y ? x : y); // keeps the chosen lane's bits (−0, NaN payloads)
            Lanes(TOps.And(va, TOps.Equal(va, va)), (x, _) => float.IsNaN(x) ? 0f : x); // AND with a mask keeps or clears a lane

            // Stride 2: LoadDeinterleaved2 splits 2·Count floats into even and odd positions; StoreInterleaved2 is its inverse.
            TOps.LoadDeinterleaved2(ref a[0], (nuint)c, out var even, out var odd);
            TOps.Store(even, ref lanes[0], 0);
            for (int l = 0; l < c; l++) Assert.True(Same(lanes[l], a[c + 2 * l]), $"{name} LoadDeinterleaved2 even lane {l}");
            TOps.Store(odd, ref lanes[0], 0);
            for (int l = 0; l < c; l++) Assert.True(Same(lanes[l], a[c + 2 * l + 1]), $"{name} LoadDeinterleaved2 odd lane {l}");
            var pairs = Enumerable.Repeat(-7f, 4 * c).ToArray();
            TOps.StoreInterleaved2(even, odd, ref pairs[0], (nuint)c);
            Assert.True(pairs.Take(c).All(v => v == -7f) && pairs.Skip(3 * c).All(v => v == -7f), $"{name} StoreInterleaved2 neighbours");
            for (int i = 0; i < 2 * c; i++) Assert.True(Same(pairs[c + i], a[c + i]), $"{name} StoreInterleaved2 float {i}");

            // Blocks of 4 lanes: block g of b_k goes to dst[16g + 4k ...] (not defined for one lane).
            if (c >= 4)
            {
                var blocks = new float[4 * c];
                TOps.StoreBlocks4(b0, b1, b2, b3, ref blocks[0], 0);
                for (int g = 0; g < c / 4; g++)
                    for (int k = 0; k < 4; k++)
                        for (int j = 0; j < 4; j++)
                            Assert.True(blocks[16 * g + 4 * k + j].Equals(rows[k][4 * g + j]), $"{name} StoreBlocks4 block {g} row {k} lane {j}");
            }

            void MaskLanes(TV mask, Func<float, float, bool> holds)
            {
                TOps.Store(mask, ref lanes[0], 0);
                for (int l = 0; l < c; l++)
                    Assert.True(BitConverter.SingleToInt32Bits(lanes[l]) == (holds(a[c + l], b[c + l]) ? -1 : 0),
                        $"{name} mask lane {l}: {BitConverter.SingleToInt32Bits(lanes[l]):X8} (a {a[c + l]}, b {b[c + l]})");
            }

            void Lanes(TV result, Func<float, float, float> lane, bool reverse = false)
            {
                TOps.Store(result, ref lanes[0], 0);
                for (int l = 0; l < c; l++)
                {
                    float expected = reverse ? a[c + c - 1 - l] : lane(a[c + l], b[c + l]);
                    Assert.True(Same(lanes[l], expected), $"{name} lane {l}: {lanes[l]} vs {expected} (a {a[c + l]}, b {b[c + l]})");
                }
            }
        }
    }

    /// <summary>The same float to the bit (so +0 and −0 differ), any NaN matching any NaN.</summary>
    private static bool Same(float x, float y) =>
        float.IsNaN(x) ? float.IsNaN(y) : BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y);
}
