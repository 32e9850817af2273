namespace MusicGenre.Audio.Decoding.Layer3;

/// <summary>How many granules used each layer III coding tool (granule-channels, except the stereo counts, which are per granule).</summary>
internal sealed class Layer3Statistics
{
    public int Granules, Long, Start, Short, Stop, Mixed, MidSide, Intensity, MidOnly, ScfsiReuse, Preflag, ScalefacScale, Count1TableB, LinBitsTables;

    internal void Count(ReadOnlySpan<Layer3Decoder.Granule> channels, int[]? scfsi, bool ms, bool intensity, bool midOnly)
    {
        Granules++;
        if (ms) MidSide++;
        if (intensity) Intensity++;
        if (midOnly) MidOnly++;
        for (int ch = 0; ch < channels.Length; ch++)
        {
            ref readonly var g = ref channels[ch];
            switch (g.BlockType) { case 0: Long++; break; case 1: Start++; break; case 2: Short++; break; default: Stop++; break; }
            if (g.Mixed) Mixed++;
            if (g.Preflag) Preflag++;
            if (g.ScalefacScale == 1) ScalefacScale++;
            if (g.Count1Table == 1) Count1TableB++;
            if (g.Table0 >= 16 || g.Table1 >= 16 || g.Table2 >= 16) LinBitsTables++;
            if (scfsi is not null && g.BlockType != 2 && (scfsi[ch * 4] | scfsi[ch * 4 + 1] | scfsi[ch * 4 + 2] | scfsi[ch * 4 + 3]) != 0) ScfsiReuse++;
        }
    }

    public override string ToString() =>
        $"granules {Granules}: long {Long}, start {Start}, short {Short}, stop {Stop}, mixed {Mixed}; M/S {MidSide}, intensity {Intensity}, mid only {MidOnly}; " +
        $"scfsi {ScfsiReuse}, preflag {Preflag}, scalefac_scale {ScalefacScale}, count1 B {Count1TableB}, linbits {LinBitsTables}";
}
