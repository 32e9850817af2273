namespace MusicGenre.Audio.Decoding.Layer3;

/// <summary>
/// The constant tables of MPEG audio layer III decoding (ISO/IEC 11172-3 Annex B and ISO/IEC 13818-3 Annex B), in the
/// form the decoder uses. Sample-rate rows are indexed 0..8: 44.1, 48, 32 kHz (MPEG-1), 22.05, 24, 16 kHz (MPEG-2),
/// 11.025, 12, 8 kHz (MPEG-2.5).
/// </summary>
internal static class Layer3Tables
{
    /// <summary>Frequency lines in one granule of one channel (32 subbands × 18).</summary>
    public const int Lines = 576;

    // Widths of the 22 long-block scalefactor bands per sample-rate row (Tables B.8 of both standards); they sum to 576.
    private static ReadOnlySpan<byte> LongWidths =>
    [
        4, 4, 4, 4, 4, 4, 6, 6, 8, 8, 10, 12, 16, 20, 24, 28, 34, 42, 50, 54, 76, 158,
        4, 4, 4, 4, 4, 4, 6, 6, 6, 8, 10, 12, 16, 18, 22, 28, 34, 40, 46, 54, 54, 192,
        4, 4, 4, 4, 4, 4, 6, 6, 8, 10, 12, 16, 20, 24, 30, 38, 46, 56, 68, 84, 102, 26,
        6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 38, 46, 52, 60, 68, 58, 54,
        6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 18, 22, 26, 32, 38, 46, 54, 62, 70, 76, 36,
        6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 38, 46, 52, 60, 68, 58, 54,
        6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 38, 46, 52, 60, 68, 58, 54,
        6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 38, 46, 52, 60, 68, 58, 54,
        12, 12, 12, 12, 12, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 76, 90, 2, 2, 2, 2, 2,
    ];

    // Widths of the 13 short-block scalefactor bands (one window) per sample-rate row; they sum to 192.
    private static ReadOnlySpan<byte> ShortWidths =>
    [
        4, 4, 4, 4, 6, 8, 10, 12, 14, 18, 22, 30, 56,
        4, 4, 4, 4, 6, 6, 10, 12, 14, 16, 20, 26, 66,
        4, 4, 4, 4, 6, 8, 12, 16, 20, 26, 34, 42, 12,
        4, 4, 4, 6, 6, 8, 10, 14, 18, 26, 32, 42, 18,
        4, 4, 4, 6, 8, 10, 12, 14, 18, 24, 32, 44, 12,
        4, 4, 4, 6, 8, 10, 12, 14, 18, 24, 30, 40, 18,
        4, 4, 4, 6, 8, 10, 12, 14, 18, 24, 30, 40, 18,
        4, 4, 4, 6, 8, 10, 12, 14, 18, 24, 30, 40, 18,
        8, 8, 8, 12, 16, 20, 24, 28, 36, 2, 2, 2, 26,
    ];

    /// <summary>Start line of each long band, 23 per row (the last is 576): <c>LongBandStart[row * 23 + sfb]</c>.</summary>
    public static readonly short[] LongBandStart = Starts(LongWidths, 22);

    /// <summary>Start line (within one window) of each short band, 14 per row (the last is 192).</summary>
    public static readonly short[] ShortBandStart = Starts(ShortWidths, 13);

    /// <summary>Start line (within one window) and width of short band <paramref name="sfb"/> of sample-rate row <paramref name="row"/>.</summary>
    public static (int Start, int Width) ShortBand(int row, int sfb)
    {
        int start = ShortBandStart[row * 14 + sfb];
        return (start, ShortBandStart[row * 14 + sfb + 1] - start);
    }

    /// <summary>Pre-emphasis added to the long-band scalefactors when <c>preflag</c> is set (Table B.6).</summary>
    public static ReadOnlySpan<byte> Pretab => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 2, 0];

    /// <summary>MPEG-1 scalefactor bit lengths for bands 0..10 (slen1) and 11..20 (slen2) by <c>scalefac_compress</c>.</summary>
    public static ReadOnlySpan<byte> Slen1 => [0, 0, 0, 0, 3, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4];

    /// <inheritdoc cref="Slen1"/>
    public static ReadOnlySpan<byte> Slen2 => [0, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 2, 3];

    /// <summary>
    /// MPEG-2 (LSF) scalefactor counts per slen group: <c>[table * 12 + blockKind * 4 + group]</c>, table 0..5 from
    /// <c>scalefac_compress</c> (3..5 for the intensity-coded right channel), blockKind 0 long, 1 short, 2 mixed
    /// (ISO/IEC 13818-3 Table B.4, <c>nr_of_sfb_block</c>).
    /// </summary>
    public static ReadOnlySpan<byte> LsfBandCounts =>
    [
        6, 5, 5, 5, 9, 9, 9, 9, 6, 9, 9, 9,
        6, 5, 7, 3, 9, 9, 12, 6, 6, 9, 12, 6,
        11, 10, 0, 0, 18, 18, 0, 0, 15, 18, 0, 0,
        7, 7, 7, 0, 12, 12, 12, 0, 6, 15, 12, 0,
        6, 6, 6, 3, 12, 9, 9, 6, 6, 12, 9, 6,
        8, 8, 5, 0, 15, 12, 9, 0, 6, 18, 9, 0,
    ];

    /// <summary>Alias-reduction coefficients c_i (Table B.9); the butterflies use cs = 1/√(1+c²), ca = c/√(1+c²).</summary>
    private static ReadOnlySpan<double> AliasCi => [-0.6, -0.535, -0.33, -0.185, -0.095, -0.041, -0.0142, -0.0037];

    /// <summary>cs_i of the alias-reduction butterflies.</summary>
    public static readonly float[] AliasCs = [.. Enumerable.Range(0, 8).Select(i => (float)(1 / Math.Sqrt(1 + AliasCi[i] * AliasCi[i])))];

    /// <summary>ca_i of the alias-reduction butterflies.</summary>
    public static readonly float[] AliasCa = [.. Enumerable.Range(0, 8).Select(i => (float)(AliasCi[i] / Math.Sqrt(1 + AliasCi[i] * AliasCi[i])))];

    // The first 257 coefficients of the synthesis window D[i] (Table B.3) in units of 2^-16 — every D[i] of the standard
    // is an integer multiple of 2^-16. The rest follow by symmetry: D[512 − i] = −D[i], except D[512 − i] = D[i] where i
    // is a multiple of 64.
    private static ReadOnlySpan<int> WindowQ16 =>
    [
        0, -1, -1, -1, -1, -1, -1, -2, -2, -2, -2, -3, -3, -4, -4, -5,
        -5, -6, -7, -7, -8, -9, -10, -11, -13, -14, -16, -17, -19, -21, -24, -26,
        -29, -31, -35, -38, -41, -45, -49, -53, -58, -63, -68, -73, -79, -85, -91, -97,
        -104, -111, -117, -125, -132, -139, -147, -154, -161, -169, -176, -183, -190, -196, -202, -208,
        213, 218, 222, 225, 227, 228, 228, 227, 224, 221, 215, 208, 200, 189, 177, 163,
        146, 127, 106, 83, 57, 29, -2, -36, -72, -111, -153, -197, -244, -294, -347, -401,
        -459, -519, -581, -645, -711, -779, -848, -919, -991, -1064, -1137, -1210, -1283, -1356, -1428, -1498,
        -1567, -1634, -1698, -1759, -1817, -1870, -1919, -1962, -2001, -2032, -2057, -2075, -2085, -2087, -2080, -2063,
        2037, 2000, 1952, 1893, 1822, 1739, 1644, 1535, 1414, 1280, 1131, 970, 794, 605, 402, 185,
        -45, -288, -545, -814, -1095, -1388, -1692, -2006, -2330, -2663, -3004, -3351, -3705, -4063, -4425, -4788,
        -5153, -5517, -5879, -6237, -6589, -6935, -7271, -7597, -7910, -8209, -8491, -8755, -8998, -9219, -9416, -9585,
        -9727, -9838, -9916, -9959, -9966, -9935, -9863, -9750, -9592, -9389, -9139, -8840, -8492, -8092, -7640, -7134,
        6574, 5959, 5288, 4561, 3776, 2935, 2037, 1082, 70, -998, -2122, -3300, -4533, -5818, -7154, -8540,
        -9975, -11455, -12980, -14548, -16155, -17799, -19478, -21189, -22929, -24694, -26482, -28289, -30112, -31947, -33791, -35640,
        -37489, -39336, -41176, -43006, -44821, -46617, -48390, -50137, -51853, -53534, -55178, -56778, -58333, -59838, -61289, -62684,
        -64019, -65290, -66494, -67629, -68692, -69679, -70590, -71420, -72169, -72835, -73415, -73908, -74313, -74630, -74856, -74992,
        75038,
    ];

    /// <summary>The 512-tap synthesis window D[i] of the polyphase filterbank (output range ±1 for full-scale input).</summary>
    public static readonly float[] SynthesisWindow = BuildWindow();

    /// <summary>Row of the band tables for a header: MPEG-1 0..2, MPEG-2 3..5, MPEG-2.5 6..8.</summary>
    public static int RateRow(bool mpeg1, bool mpeg25, int sampleRateIndex) => (mpeg1 ? 0 : mpeg25 ? 6 : 3) + sampleRateIndex;

    private static short[] Starts(ReadOnlySpan<byte> widths, int bands)
    {
        int rows = widths.Length / bands;
        var starts = new short[rows * (bands + 1)];
        for (int r = 0; r < rows; r++)
        {
            int sum = 0;
            for (int b = 0; b < bands; b++)
            {
                starts[r * (bands + 1) + b] = (short)sum;
                sum += widths[r * bands + b];
            }
            starts[r * (bands + 1) + bands] = (short)sum;
        }
        return starts;
    }

    private static float[] BuildWindow()
    {
        var d = new float[512];
        for (int i = 0; i <= 256; i++) d[i] = WindowQ16[i] / 65536f;
        for (int i = 1; i < 256; i++) d[512 - i] = i % 64 == 0 ? d[i] : -d[i];
        return d;
    }
}
