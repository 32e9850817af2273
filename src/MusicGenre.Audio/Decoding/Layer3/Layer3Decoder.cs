using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NLayer;

namespace MusicGenre.Audio.Decoding.Layer3;

/// <summary>
/// Our MPEG-1/2/2.5 layer III frame decoder (ISO/IEC 11172-3 §2.4.3.4, ISO/IEC 13818-3), one frame in, PCM out.
/// Per frame: 1. side information; 2. the bit reservoir (main data may start in earlier frames); then per granule and
/// channel 3. scalefactors, 4. Huffman decoding, 5. requantisation; per granule 6. stereo processing (mid/side,
/// intensity); per channel 7. reordering of short blocks, 8. alias reduction, 9. IMDCT + overlap (hybrid filterbank),
/// 10. frequency inversion and 11. polyphase synthesis.
/// <para>
/// With <c>mono: true</c> the output is the channel average (L + R)/2, formed where it is cheapest: the synthesis
/// filterbank is linear, so one filterbank runs on the averaged subband samples; when both channels of a granule use
/// the same block type the IMDCT is shared too, and for mid/side stereo (L + R)/2 = M/√2, so the side channel is not
/// even Huffman-decoded.
/// </para>
/// NLayer's decoder (behind <see cref="Mp3Decoder"/>'s reference mode) is the reference it is checked against, with
/// mpg123; the vector filterbanks have their scalar twins in the <c>ScalarOps</c> instantiation. An instance keeps
/// per-stream state and scratch buffers: not thread-safe, one per stream.
/// </summary>
internal sealed class Layer3Decoder
{
    private const int MaxReservoir = 511;

    private readonly bool _mono;
    private readonly SimdWidth _width;
    private readonly int[] _entries = Layer3Huffman.Entries;

    // Bit reservoir: the main data of recent frames, newest last, followed by zero padding for the bit reader.
    private readonly byte[] _reservoir = new byte[MaxReservoir + Mp3FrameHeader.MaxFrameLength + MainDataReader.Padding];
    private int _reservoirLength;

    private readonly byte[] _sideInfo = new byte[32 + MainDataReader.Padding];
    private readonly Granule[] _granules = new Granule[4];
    private readonly int[] _scfsi = new int[8];

    // Per channel: scalefactors (long 22, short 13×3 as [sfb·3 + window]), integer lines, requantised lines.
    private readonly int[][] _scaleLong = [new int[22], new int[22]];
    private readonly int[][] _scaleShort = [new int[39], new int[39]];
    private readonly int[][] _quantized = [new int[Layer3Tables.Lines], new int[Layer3Tables.Lines]];
    private readonly float[][] _lines = [new float[Layer3Tables.Lines], new float[Layer3Tables.Lines]];
    private readonly int[] _nonZero = new int[2];

    // Hybrid filterbank state per output channel, and scratch.
    private readonly float[][] _overlap = [new float[18 * 32], new float[18 * 32]];
    private readonly float[] _z = new float[36 * 32];
    private readonly float[] _slots = new float[18 * 32];
    private readonly float[] _scratch = new float[576 + 36 * 32];
    private readonly float[] _reorder = new float[Layer3Tables.Lines];
    private readonly bool[] _intensityLines = new bool[Layer3Tables.Lines];
    private readonly SynthesisFilterbank[] _synthesis;

    private static readonly float Sqrt1_2 = MathF.Sqrt(0.5f);

    private static readonly float[] Pow43 = [.. Enumerable.Range(0, 8207).Select(v => (float)Math.Pow(v, 4.0 / 3.0))];

    // 2^(A/4) for the requantisation exponents A = MinQuarterExponent..45. The side information can produce at least
    // −210 − 8·7 − 4·(31 + 3) = −402; the clamp in Scale only guards the table.
    private const int MinQuarterExponent = -466;
    private static readonly float[] QuarterPowers = [.. Enumerable.Range(MinQuarterExponent, 46 - MinQuarterExponent).Select(a => (float)Math.Pow(2, a / 4.0))];

    /// <summary>Creates a decoder; <paramref name="mono"/> averages the channels of stereo streams.</summary>
    public Layer3Decoder(bool mono, SimdWidth width = SimdWidth.V512)
    {
        _mono = mono;
        _width = SimdWidths.Clamp(width);
        _synthesis = [new SynthesisFilterbank(_width), new SynthesisFilterbank(_width)];
    }

    /// <summary>Counts of the coding tools the decoded granules used (lets tests show what a stream exercised).</summary>
    public Layer3Statistics Statistics { get; } = new();

    /// <summary>Forgets the bit reservoir (after lost sync: earlier main data must not be reused); the filter histories stay.</summary>
    public void ResetReservoir() => _reservoirLength = 0;

    /// <summary>
    /// Forgets the filter histories (the IMDCT overlap and the synthesis rings), as at the start of a stream: after a frame
    /// whose output was impossible (<see cref="Mp3Decoder"/>), so its values do not leak into the next frame.
    /// </summary>
    public void ResetHistories()
    {
        foreach (var overlap in _overlap) Array.Clear(overlap);
        foreach (var synthesis in _synthesis) synthesis.Reset();
    }

    /// <summary>
    /// Decodes one frame (header included) into <paramref name="output"/> (interleaved, 1 or 2 channels:
    /// <c>mono ? 1 : header.Channels</c>) and returns true; false when the frame's main data is not available (its bit
    /// reservoir bytes were lost), its side information is invalid, or its granules do not fit their bits (scalefactors
    /// longer than part2_3_length, granules past the main data) — the caller then substitutes silence for the whole
    /// frame and counts it as damaged.
    /// </summary>
    public bool DecodeFrame(in Mp3FrameHeader header, ReadOnlySpan<byte> frame, Span<float> output)
    {
        bool mpeg1 = header.Version == MpegVersion.Version1;
        int channels = header.Channels, granules = mpeg1 ? 2 : 1;
        int row = Layer3Tables.RateRow(mpeg1, header.Version == MpegVersion.Version25, header.SampleRateIndex);

        // 1. Side information.
        int sideStart = header.SideInfoOffset, sideLength = header.SideInfoLength;
        if (frame.Length < sideStart + sideLength) return false;
        frame.Slice(sideStart, sideLength).CopyTo(_sideInfo);
        _sideInfo.AsSpan(sideLength).Clear();
        bool valid = ReadSideInfo(mpeg1, channels, out int mainDataBegin);
        // Mixed blocks at 8 kHz (MPEG-2.5): their long part would be 6 bands of 12 lines (72) while the filterbank treats
        // 2 subbands (36 lines) as long — the standards leave this inconsistent, so such frames count as damaged.
        if (row == 8)
            for (int i = 0; i < granules * 2; i++) valid &= !(_granules[i].BlockType == 2 && _granules[i].Mixed);

        // 2. Bit reservoir: keep at most the last 511 bytes, then append this frame's main data.
        if (_reservoirLength > MaxReservoir)
        {
            Buffer.BlockCopy(_reservoir, _reservoirLength - MaxReservoir, _reservoir, 0, MaxReservoir);
            _reservoirLength = MaxReservoir;
        }
        var main = frame[(sideStart + sideLength)..];
        int available = _reservoirLength;
        main.CopyTo(_reservoir.AsSpan(_reservoirLength));
        _reservoirLength += main.Length;
        _reservoir.AsSpan(_reservoirLength, MainDataReader.Padding).Clear();
        if (!valid || mainDataBegin > available) return false;

        int bit = (available - mainDataBegin) * 8;
        int endBit = _reservoirLength * 8;
        // The granules' bits must lie within the main data (a damaged part2_3_length would otherwise read older frames).
        int needed = 0;
        for (int i = 0; i < granules * channels; i++) needed += _granules[(i / channels) * 2 + i % channels].Part23Length;
        if (bit + needed > endBit) return false;
        bool joint = header.ChannelMode == MpegChannelMode.JointStereo;
        bool ms = joint && (header.ModeExtension & 2) != 0, intensity = joint && (header.ModeExtension & 1) != 0;
        int outChannels = _mono ? 1 : channels;

        for (int gr = 0; gr < granules; gr++)
        {
            ref var g0 = ref _granules[gr * 2];
            // The mono shortcut: mid/side without intensity and equal block types needs only the mid channel.
            bool midOnly = _mono && channels == 2 && ms && !intensity && SameBlocks(g0, _granules[gr * 2 + 1]);
            for (int ch = 0; ch < channels; ch++)
            {
                ref var g = ref _granules[gr * 2 + ch];
                // Scalefactors are read even for a skipped side channel: granule 1 may reuse them (scfsi).
                var reader = new MainDataReader(_reservoir, bit, endBit);
                if (mpeg1) ReadScalefactorsMpeg1(ref reader, g, ch, gr);
                else ReadScalefactorsLsf(ref reader, ref g, ch, intensity && ch == 1);
                // Scalefactors running past the granule's own bits: the frame is damaged (silence, counted by the caller).
                if (reader.Position - bit > g.Part23Length) return false;
                if (!(midOnly && ch == 1))
                {
                    _nonZero[ch] = ReadHuffman(reader.Position, g, row, bit + g.Part23Length, endBit, _quantized[ch]);
                    Requantize(g, row, ch);
                }
                bit += g.Part23Length;
            }
            Statistics.Count(_granules.AsSpan(gr * 2, channels), mpeg1 && gr == 1 ? _scfsi : null, ms, intensity, midOnly);

            // 6. Stereo processing.
            if (channels == 2 && !midOnly)
            {
                if (intensity) IntensityStereo(_granules[gr * 2 + 1], row, mpeg1, ms);
                else if (ms) MidSide(0, Math.Max(_nonZero[0], _nonZero[1]));
            }

            // 7–11. Hybrid and synthesis filterbanks.
            var pcm = output.Slice(gr * 576 * outChannels, 576 * outChannels);
            if (outChannels == channels)
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    Hybrid(ch, _granules[gr * 2 + ch], row, weight: 1f, ch, accumulate: false);
                    Synthesize(ch, pcm[ch..], channels);
                }
            }
            else if (midOnly)
            {
                // Mid/side with equal block types: (L + R)/2 = M/√2, the side channel is not needed.
                Hybrid(0, g0, row, weight: Sqrt1_2, 0, accumulate: false);
                Synthesize(0, pcm, 1);
            }
            else
            {
                ref var g1 = ref _granules[gr * 2 + 1];
                if (SameBlocks(g0, g1))
                {
                    // Same block types: the IMDCT is linear and identical, so average first.
                    var l = _lines[0]; var r = _lines[1];
                    int n = Math.Max(_nonZero[0], _nonZero[1]);
                    for (int i = 0; i < n; i++) l[i] = 0.5f * (l[i] + r[i]);
                    _nonZero[0] = n;
                    Hybrid(0, g0, row, 1f, 0, accumulate: false);
                }
                else
                {
                    Hybrid(0, g0, row, 0.5f, 0, accumulate: false);
                    Hybrid(1, g1, row, 0.5f, 0, accumulate: true);
                }
                Synthesize(0, pcm, 1);
            }
        }
        return true;
    }

    /// <summary>Long scalefactor bands of a granule: all 22, or the long part of a mixed block (8 for MPEG-1, 6 for MPEG-2/2.5: 36 lines).</summary>
    private static int LongBands(in Granule g, int row) => g.BlockType == 2 ? (row < 3 ? 8 : 6) : 22;

    private static bool SameBlocks(in Granule a, in Granule b) =>
        a.BlockType == b.BlockType && a.Mixed == b.Mixed;

    // ---------------------------------------------------------------- 1. side information

    private bool ReadSideInfo(bool mpeg1, int channels, out int mainDataBegin)
    {
        var r = new MainDataReader(_sideInfo, 0, _sideInfo.Length * 8 - MainDataReader.Padding * 8);
        bool valid = true;
        if (mpeg1)
        {
            mainDataBegin = r.Read(9);
            r.Skip(channels == 1 ? 5 : 3);
            for (int ch = 0; ch < channels; ch++)
                for (int band = 0; band < 4; band++) _scfsi[ch * 4 + band] = r.Read(1);
        }
        else
        {
            mainDataBegin = r.Read(8);
            r.Skip(channels == 1 ? 1 : 2);
        }
        for (int gr = 0; gr < (mpeg1 ? 2 : 1); gr++)
        {
            for (int ch = 0; ch < channels; ch++)
            {
                ref var g = ref _granules[gr * 2 + ch];
                g.Part23Length = r.Read(12);
                g.BigValues = r.Read(9);
                g.GlobalGain = r.Read(8);
                g.ScalefacCompress = r.Read(mpeg1 ? 4 : 9);
                g.WindowSwitching = r.Read(1) == 1;
                if (g.WindowSwitching)
                {
                    g.BlockType = r.Read(2);
                    g.Mixed = r.Read(1) == 1;
                    g.Table0 = r.Read(5);
                    g.Table1 = r.Read(5);
                    g.Table2 = 0;
                    g.SubblockGain0 = r.Read(3);
                    g.SubblockGain1 = r.Read(3);
                    g.SubblockGain2 = r.Read(3);
                    // Block type 0 may not be signalled with window switching.
                    if (g.BlockType == 0) valid = false;
                    // The regions are implied (region 1 starts at line 36, 72 at 8 kHz; no region 2): see ReadHuffman.
                    g.Region0Count = g.Region1Count = 0;
                }
                else
                {
                    g.BlockType = 0;
                    g.Mixed = false;
                    g.Table0 = r.Read(5);
                    g.Table1 = r.Read(5);
                    g.Table2 = r.Read(5);
                    g.SubblockGain0 = g.SubblockGain1 = g.SubblockGain2 = 0;
                    g.Region0Count = r.Read(4);
                    g.Region1Count = r.Read(3);
                }
                g.Preflag = mpeg1 && r.Read(1) == 1;
                g.ScalefacScale = r.Read(1);
                g.Count1Table = r.Read(1);
                // big_values > 288 is clamped to the granule (576 lines), as mpg123 does.
                if (Layer3Huffman.Root[g.Table0] == -2 || Layer3Huffman.Root[g.Table1] == -2 || Layer3Huffman.Root[g.Table2] == -2) valid = false;
            }
        }
        return valid;
    }

    // ---------------------------------------------------------------- 3. scalefactors

    private void ReadScalefactorsMpeg1(ref MainDataReader r, in Granule g, int ch, int gr)
    {
        int slen1 = Layer3Tables.Slen1[g.ScalefacCompress], slen2 = Layer3Tables.Slen2[g.ScalefacCompress];
        var sl = _scaleLong[ch];
        var ss = _scaleShort[ch];
        if (g.BlockType == 2)
        {
            // A later long granule that (wrongly) reuses these with scfsi then gets zeros, not an older frame's values.
            Array.Clear(sl);
            int sfb = 0;
            if (g.Mixed)
            {
                for (; sfb < 8; sfb++) sl[sfb] = r.Read(slen1);
                sfb = 3;
            }
            for (; sfb < 12; sfb++)
            {
                int len = sfb < 6 ? slen1 : slen2;
                for (int w = 0; w < 3; w++) ss[sfb * 3 + w] = r.Read(len);
            }
            ss[36] = ss[37] = ss[38] = 0;
            return;
        }
        // Long blocks: four groups of bands; in granule 1 a group with scfsi set reuses granule 0's values.
        ReadOnlySpan<int> groupEnd = [6, 11, 16, 21];
        int start = 0;
        for (int group = 0; group < 4; group++)
        {
            int len = group < 2 ? slen1 : slen2;
            bool reuse = gr == 1 && _scfsi[ch * 4 + group] == 1;
            for (int sfb = start; sfb < groupEnd[group]; sfb++)
                if (!reuse) sl[sfb] = r.Read(len);
            start = groupEnd[group];
        }
        sl[21] = 0;
    }

    private void ReadScalefactorsLsf(ref MainDataReader r, ref Granule g, int ch, bool intensityRight)
    {
        // 1. slen per group and the band-count table from scalefac_compress (ISO/IEC 13818-3 §2.4.3.2).
        Span<int> slen = stackalloc int[4];
        int sfc = g.ScalefacCompress, table;
        g.Preflag = false;
        if (!intensityRight)
        {
            if (sfc < 400) { slen[0] = (sfc >> 4) / 5; slen[1] = (sfc >> 4) % 5; slen[2] = (sfc & 15) >> 2; slen[3] = sfc & 3; table = 0; }
            else if (sfc < 500) { sfc -= 400; slen[0] = (sfc >> 2) / 5; slen[1] = (sfc >> 2) % 5; slen[2] = sfc & 3; slen[3] = 0; table = 1; }
            else { sfc -= 500; slen[0] = sfc / 3; slen[1] = sfc % 3; slen[2] = 0; slen[3] = 0; g.Preflag = true; table = 2; }
        }
        else
        {
            int isc = sfc >> 1;
            if (isc < 180) { slen[0] = isc / 36; slen[1] = isc % 36 / 6; slen[2] = isc % 36 % 6; slen[3] = 0; table = 3; }
            else if (isc < 244) { isc -= 180; slen[0] = (isc & 63) >> 4; slen[1] = (isc & 15) >> 2; slen[2] = isc & 3; slen[3] = 0; table = 4; }
            else { isc -= 244; slen[0] = isc / 3; slen[1] = isc % 3; slen[2] = 0; slen[3] = 0; table = 5; }
        }
        int kind = g.BlockType == 2 ? (g.Mixed ? 2 : 1) : 0;
        var counts = Layer3Tables.LsfBandCounts.Slice(table * 12 + kind * 4, 4);

        // 2. Read the values in band order: long bands, or short bands × 3 windows (after 6 long bands when mixed).
        var sl = _scaleLong[ch];
        var ss = _scaleShort[ch];
        int longBand = 0, shortIndex = 0;
        if (kind == 2) shortIndex = 9;
        for (int group = 0; group < 4; group++)
        {
            for (int n = 0; n < counts[group]; n++)
            {
                int value = r.Read(slen[group]);
                if (kind == 0 || (kind == 2 && longBand < 6))
                {
                    if (longBand < 22) sl[longBand] = value;
                    longBand++;
                }
                else
                {
                    if (shortIndex < 39) ss[shortIndex] = value;
                    shortIndex++;
                }
            }
        }
        for (; longBand < 22; longBand++) sl[longBand] = 0;
        for (; shortIndex < 39; shortIndex++) ss[shortIndex] = 0;
    }

    // ---------------------------------------------------------------- 4. Huffman decoding

    /// <summary>
    /// Decodes the big-value pairs (three regions, each with its table) and then count1 quadruples until
    /// <paramref name="end"/>; returns the number of lines up to the last decoded one (the rest are zero).
    /// A quadruple that runs past <paramref name="end"/> is dropped (it belongs to stuffing or the next channel).
    /// The bit position lives in a local and every step peeks 64 bits at once (see <see cref="MainDataReader.Peek64"/>): a pair's code
    /// (≤ 19 bits), two linbits fields (≤ 13 each) and two signs fit in the 57 bits one peek guarantees.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ReadHuffman(int pos, in Granule g, int row, int end, int dataEnd, int[] q)
    {
        int bigEnd = Math.Min(g.BigValues * 2, Layer3Tables.Lines);
        int region1, region2;
        if (g.WindowSwitching)
        {
            region1 = g.BlockType == 2 ? Layer3Tables.ShortBandStart[row * 14 + 3] * 3 : Layer3Tables.LongBandStart[row * 23 + 8];
            region2 = Layer3Tables.Lines;
        }
        else
        {
            region1 = Layer3Tables.LongBandStart[row * 23 + Math.Min(g.Region0Count + 1, 22)];
            region2 = Layer3Tables.LongBandStart[row * 23 + Math.Min(g.Region0Count + g.Region1Count + 2, 22)];
        }
        region1 = Math.Min(region1, bigEnd);
        region2 = Math.Clamp(region2, region1, bigEnd);

        // Peeks never start past the main data (damaged streams can run the position beyond it).
        int limit = dataEnd;
        pos = Pairs(g.Table0, 0, region1, q, pos, limit);
        pos = Pairs(g.Table1, region1, region2, q, pos, limit);
        pos = Pairs(g.Table2, region2, bigEnd, q, pos, limit);

        // Count1 region: quadruples of values in {−1, 0, 1}; table A is a 6-bit lookup, table B 4 inverted bits.
        int i = bigEnd;
        bool tableB = g.Count1Table == 1;
        var quads = Layer3Huffman.Quad;
        while (i + 4 <= Layer3Tables.Lines && pos < end)
        {
            ulong w = MainDataReader.Peek64(_reservoir, Math.Min(pos, limit));
            int quad, len;
            if (tableB)
            {
                quad = 15 - (int)(w >> 60);
                len = 4;
            }
            else
            {
                int e = quads[(int)(w >> 58)];
                quad = e >> 8;
                len = e & 0xFF;
            }
            w <<= len;
            // Each non-zero value takes the next bit as its sign, without branches: s = sign bit if non-zero,
            // value = (nz ^ −s) + s = ±nz.
            for (int k = 0; k < 4; k++)
            {
                int nz = (quad >> (3 - k)) & 1;
                int sign = (int)(w >> 63) & nz;
                q[i + k] = (nz ^ -sign) + sign;
                w <<= nz;
                len += nz;
            }
            pos += len;
            if (pos > end)
            {
                q[i] = q[i + 1] = q[i + 2] = q[i + 3] = 0;
                break;
            }
            i += 4;
        }
        Array.Clear(q, i, Layer3Tables.Lines - i);
        return i;
    }

    /// <summary>Decodes the pairs of lines [<paramref name="from"/>, <paramref name="to"/>) with one table; returns the new bit position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Pairs(int table, int from, int to, int[] q, int pos, int limit)
    {
        int root = Layer3Huffman.Root[table];
        if (root < 0)
        {
            Array.Clear(q, from, to - from);
            return pos;
        }
        int linBits = Layer3Huffman.LinBits[table];
        var entries = _entries;
        var buffer = _reservoir;
        for (int i = from; i < to; i += 2)
        {
            ulong w = MainDataReader.Peek64(buffer, Math.Min(pos, limit));
            int e = Layer3Huffman.Lookup(entries, root, w);
            int used = e & 0xFF;
            w <<= used;
            int x = (e >> 8) & 15, y = (e >> 12) & 15;
            int nx = (e >> 16) & 1, ny = (e >> 17) & 1;
            if (linBits > 0)
            {
                // Escapes: a 15 is followed by linbits more magnitude bits, before its sign.
                if (x == 15)
                {
                    x += (int)(w >> (64 - linBits));
                    w <<= linBits;
                    used += linBits;
                }
                int sx = (int)(w >> 63) & nx;
                w <<= nx;
                if (y == 15)
                {
                    y += (int)(w >> (64 - linBits));
                    w <<= linBits;
                    used += linBits;
                }
                int sy = (int)(w >> 63) & ny;
                x = (x ^ -sx) + sx;
                y = (y ^ -sy) + sy;
            }
            else
            {
                // No escapes: the sign bits follow the code directly; negate branch-free.
                int sx = (int)(w >> 63) & nx;
                w <<= nx;
                int sy = (int)(w >> 63) & ny;
                x = (x ^ -sx) + sx;
                y = (y ^ -sy) + sy;
            }
            used += nx + ny;
            q[i] = x;
            q[i + 1] = y;
            pos += used;
        }
        return pos;
    }

    // ---------------------------------------------------------------- 5. requantisation

    /// <summary>
    /// xr = sign(q)·|q|^(4/3)·2^(A/4), A = global_gain − 210 − 8·subblock_gain[w] − (2 or 4)·(scalefactor + preflag·pretab)
    /// per band (the factor 4 with scalefac_scale).
    /// </summary>
    private void Requantize(in Granule g, int row, int ch)
    {
        var q = _quantized[ch];
        var xr = _lines[ch];
        int nonZero = _nonZero[ch];
        int shift = g.ScalefacScale == 1 ? 4 : 2;
        int gain = g.GlobalGain - 210;
        var sl = _scaleLong[ch];
        var ss = _scaleShort[ch];
        int i = 0;
        if (g.BlockType != 2 || g.Mixed)
        {
            // Long bands (all of them, or the first 36 lines of a mixed block).
            int longEnd = LongBands(g, row);
            for (int sfb = 0; sfb < longEnd && i < nonZero; sfb++)
            {
                int a = gain - shift * (sl[sfb] + (g.Preflag ? Layer3Tables.Pretab[sfb] : 0));
                int end = Layer3Tables.LongBandStart[row * 23 + sfb + 1];
                Scale(q, xr, i, Math.Min(end, nonZero), a);
                i = end;
            }
        }
        if (g.BlockType == 2)
        {
            for (int sfb = g.Mixed ? 3 : 0; sfb < 13 && i < nonZero; sfb++)
            {
                var (start, width) = Layer3Tables.ShortBand(row, sfb);
                for (int w = 0; w < 3; w++)
                {
                    int subblock = w == 0 ? g.SubblockGain0 : w == 1 ? g.SubblockGain1 : g.SubblockGain2;
                    int a = gain - 8 * subblock - shift * ss[sfb * 3 + w];
                    Scale(q, xr, i, Math.Min(i + width, nonZero), a);
                    i += width;
                }
            }
        }
        if (nonZero < Layer3Tables.Lines) Array.Clear(xr, nonZero, Layer3Tables.Lines - nonZero);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scale(int[] q, float[] xr, int from, int to, int quarterExponent)
    {
        float step = QuarterPowers[Math.Clamp(quarterExponent - MinQuarterExponent, 0, QuarterPowers.Length - 1)];
        ref int qs = ref MemoryMarshal.GetArrayDataReference(q);
        ref float xs = ref MemoryMarshal.GetArrayDataReference(xr);
        ref float pow = ref MemoryMarshal.GetArrayDataReference(Pow43);
        if (from < 0 || to > q.Length || to > xr.Length) throw new ArgumentOutOfRangeException(nameof(to));
        for (int i = from; i < to; i++)
        {
            int v = Unsafe.Add(ref qs, i);
            // |v| ≤ 8206 by construction (15 + 13 linbits); the sign is copied onto the magnitude.
            // |v| without a branch (the signs are random: a branch would mispredict half the time).
            int signMask = v >> 31;
            float magnitude = Unsafe.Add(ref pow, (v ^ signMask) - signMask) * step;
            Unsafe.Add(ref xs, i) = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(magnitude) | (v & int.MinValue));
        }
    }

    // ---------------------------------------------------------------- 6. stereo

    /// <summary>M/S → L/R on lines [<paramref name="from"/>, <paramref name="to"/>): L = (M + S)/√2, R = (M − S)/√2.</summary>
    private void MidSide(int from, int to)
    {
        var l = _lines[0]; var r = _lines[1];
        for (int i = from; i < to; i++) MidSideLine(l, r, i);
        _nonZero[0] = _nonZero[1] = Math.Max(_nonZero[0], Math.Max(_nonZero[1], to));
    }

    /// <summary>One line of <see cref="MidSide"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MidSideLine(float[] l, float[] r, int i)
    {
        float m = l[i], d = r[i];
        l[i] = (m + d) * Sqrt1_2;
        r[i] = (m - d) * Sqrt1_2;
    }

    /// <summary>
    /// Intensity stereo: above the right channel's last non-zero band (per window for short blocks), both channels
    /// are the left channel's values scaled by the band's intensity position (the right channel's scalefactor);
    /// an illegal position (7) leaves the band to mid/side (or plain L/R). MPEG-1: k = tan(is_pos·π/12), L = k/(1 + k),
    /// R = 1/(1 + k) (positions 8–15 are used as mpg123 and the ISO reference decoder use them); MPEG-2: powers of
    /// 2^(−1/4) or 2^(−1/2) (the right channel's intensity_scale). For MPEG-2 the illegal position is 7 as in mpg123 and
    /// NLayer (ISO/IEC 13818-3 ties it to each slen group's maximum); the three decoders still disagree on MPEG-2
    /// intensity streams (see the tests), which no encoder available here writes.
    /// </summary>
    private void IntensityStereo(in Granule right, int row, bool mpeg1, bool ms)
    {
        var l = _lines[0]; var r = _lines[1];
        int nzRight = _nonZero[1];
        float io = (right.ScalefacCompress & 1) == 1 ? Sqrt1_2 : MathF.Pow(2, -0.25f);
        var bandIsIntensity = _intensityLines;
        Array.Clear(bandIsIntensity);

        // Position 7 is illegal (the band stays mid/side or L/R): for MPEG-1 by the standard, for MPEG-2 as mpg123 and
        // NLayer read it.
        void Apply(int from, int to, int position)
        {
            if (position == 7) return;
            float kl, kr;
            if (mpeg1)
            {
                double t = Math.Tan(position * Math.PI / 12);
                kl = (float)(t / (1 + t));
                kr = (float)(1 / (1 + t));
                if (position == 6) { kl = 1; kr = 0; }
            }
            else
            {
                kl = position == 0 || (position & 1) == 0 ? 1 : MathF.Pow(io, (position + 1) / 2);
                kr = position != 0 && (position & 1) == 0 ? MathF.Pow(io, position / 2) : 1;
            }
            for (int i = from; i < to; i++)
            {
                float v = l[i];
                l[i] = v * kl;
                r[i] = v * kr;
                bandIsIntensity[i] = true;
            }
        }

        var sl = _scaleLong[1];
        var ss = _scaleShort[1];
        if (right.BlockType != 2 || right.Mixed)
        {
            int longEnd = LongBands(right, row);
            bool shortNonZero = right.BlockType == 2 && HasNonZero(r, Layer3Tables.LongBandStart[row * 23 + longEnd], Layer3Tables.Lines);
            if (!shortNonZero)
            {
                for (int sfb = 0; sfb < longEnd; sfb++)
                {
                    int start = Layer3Tables.LongBandStart[row * 23 + sfb], end = Layer3Tables.LongBandStart[row * 23 + sfb + 1];
                    if (start < nzRight && HasNonZero(r, start, end)) continue;
                    if (HasNonZero(r, end, Layer3Tables.LongBandStart[row * 23 + longEnd])) continue;
                    int band = sfb == 21 ? 20 : sfb;
                    Apply(start, end, sl[band]);
                }
            }
        }
        if (right.BlockType == 2)
        {
            for (int w = 0; w < 3; w++)
            {
                // The highest short band of this window with a non-zero right-channel value.
                int last = -1;
                for (int sfb = right.Mixed ? 3 : 0; sfb < 13; sfb++)
                {
                    var (start, width) = Layer3Tables.ShortBand(row, sfb);
                    int offset = start * 3 + w * width;
                    if (HasNonZero(r, offset, offset + width)) last = sfb;
                }
                for (int sfb = Math.Max(last + 1, right.Mixed ? 3 : 0); sfb < 13; sfb++)
                {
                    var (start, width) = Layer3Tables.ShortBand(row, sfb);
                    int offset = start * 3 + w * width;
                    int band = sfb == 12 ? 11 : sfb;
                    Apply(offset, offset + width, ss[band * 3 + w]);
                }
            }
        }

        if (ms)
            for (int i = 0; i < Layer3Tables.Lines; i++)
                if (!bandIsIntensity[i]) MidSideLine(l, r, i);
        _nonZero[0] = _nonZero[1] = Layer3Tables.Lines;
    }

    private static bool HasNonZero(float[] x, int from, int to)
    {
        for (int i = from; i < to; i++) if (x[i] != 0) return true;
        return false;
    }

    // ---------------------------------------------------------------- 7–11. filterbanks

    /// <summary>Reorder, alias reduction and IMDCT of channel <paramref name="ch"/>'s lines, overlapped into output channel <paramref name="outCh"/>'s slots.</summary>
    private void Hybrid(int ch, in Granule g, int row, float weight, int outCh, bool accumulate)
    {
        var xr = _lines[ch];
        int nonZero = _nonZero[ch];
        if (g.BlockType == 2)
        {
            // 7. Short bands are stored window by window; the IMDCT wants each frequency's three windows together.
            int firstShort = g.Mixed ? 3 : 0;
            Array.Copy(xr, _reorder, Layer3Tables.Lines);
            for (int sfb = firstShort; sfb < 13; sfb++)
            {
                var (s, width) = Layer3Tables.ShortBand(row, sfb);
                for (int w = 0; w < 3; w++)
                    for (int f = 0; f < width; f++)
                        xr[3 * (s + f) + w] = _reorder[3 * s + w * width + f];
            }
            // 8. Mixed blocks: alias reduction between the two long subbands only.
            if (g.Mixed) AliasReduce(xr, 1);
        }
        else
        {
            // 8. Alias reduction across every subband boundary that can touch a non-zero line.
            AliasReduce(xr, Math.Min(31, (nonZero + 7) / 18));
        }

        // 9. IMDCT, windowing and overlap-add.
        HybridFilterbank.Transform(xr, g.BlockType, g.Mixed, _z, _scratch, _width);
        HybridFilterbank.Overlap(_z, weight, _overlap[outCh], _slots, accumulate, _width);
    }

    /// <summary>The eight butterflies across each boundary between subbands sb − 1 and sb, for sb = 1..<paramref name="lastBoundary"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void AliasReduce(float[] xr, int lastBoundary)
    {
        var cs = Layer3Tables.AliasCs;
        var ca = Layer3Tables.AliasCa;
        for (int sb = 1; sb <= lastBoundary; sb++)
        {
            int b = 18 * sb;
            for (int i = 0; i < 8; i++)
            {
                float lo = xr[b - 1 - i], hi = xr[b + i];
                xr[b - 1 - i] = lo * cs[i] - hi * ca[i];
                xr[b + i] = hi * cs[i] + lo * ca[i];
            }
        }
    }

    /// <summary>10–11. Frequency inversion and polyphase synthesis of output channel <paramref name="outCh"/>'s 18 slots.</summary>
    private void Synthesize(int outCh, Span<float> pcm, int stride)
    {
        HybridFilterbank.InvertOddSubbands(_slots);
        _synthesis[outCh].Synthesize(_slots, 18, pcm, stride);
    }

    /// <summary>Side information of one granule of one channel.</summary>
    internal struct Granule
    {
        public int Part23Length, BigValues, GlobalGain, ScalefacCompress, BlockType;
        public bool WindowSwitching, Mixed, Preflag;
        public int Table0, Table1, Table2, SubblockGain0, SubblockGain1, SubblockGain2;
        public int Region0Count, Region1Count, ScalefacScale, Count1Table;
    }
}
