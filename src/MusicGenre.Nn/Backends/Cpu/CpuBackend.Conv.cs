using System.Buffers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

internal sealed partial class CpuBackend
{
    private const int WeightGradTilesPerChunk = 16; // fixed (thread-count independent) reduction chunks for dW

    /// <inheritdoc />
    public void Conv2dForward(Tensor x, Tensor w, Tensor? b, in Conv2dGeometry g, Tensor y)
    {
        // x [N, IC, IH, IW], w [OC, IC, KH, KW] = A [OC][K], y [N, OC, OH·OW] = A · im2col(x)
        CheckConv(x, w, b, g, y, "Conv2dForward");
        var xs = D(x); var ws = D(w); var bs = b is null ? null : D(b); var ys = D(y);
        var geo = g;
        if (!ConvGemm.UseVector)
        {
            For(g.Batch, n => ConvScalar.Forward(xs, ws, bs, geo, n, ys));
            return;
        }
        // 1. Pack the weights into 6-row blocks once (a pooled buffer: PackA writes every element, padding rows included,
        //    so nothing of a previous use survives; no large garbage per call, which matters when a long file is classified
        //    batch after batch).
        int m = g.OutChannels, k = g.InChannels * g.KernelH * g.KernelW, pixels = g.OutH * g.OutW;
        int packedSize = ConvGemm.PackedSize(m, k);
        var packed = ArrayPool<float>.Shared.Rent(packedSize);
        try
        {
            ConvGemm.PackA(m, k, (r, c) => ws[r * k + c], packed.AsSpan(0, packedSize));
            // 2. One work item per (image, pixel tile): gather the tile into this thread's scratch (Im2ColTile writes all of
            //    it, zeroing the unused columns), multiply, write its pixels of every channel.
            int tile = ConvGemm.TileFor(k), tilesPerImage = (pixels + tile - 1) / tile;
            int inImage = g.InChannels * g.InH * g.InW, outImage = m * pixels;
            For(g.Batch * tilesPerImage, t =>
            {
                int n = t / tilesPerImage, p0 = t % tilesPerImage * tile, count = Math.Min(tile, pixels - p0);
                var bTile = Scratch(k * tile);
                ConvGemm.Im2ColTile(xs.AsSpan(n * inImage, inImage), geo.InChannels, geo.InH, geo.InW, geo.KernelH, geo.KernelW,
                    geo.StrideH, geo.StrideW, geo.PadTop, geo.PadLeft, geo.OutW, p0, count, tile, bTile);
                ConvGemm.GemmTile(packed.AsSpan(0, packedSize), m, k, bTile, tile, count, bs, ys.AsSpan(n * outImage + p0, outImage - p0), pixels);
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    [ThreadStatic] private static float[]? t_scratch;

    /// <summary>This thread's im2col tile buffer, exactly <paramref name="length"/> long (kept between calls, grown when needed).</summary>
    private static Span<float> Scratch(int length)
    {
        if (t_scratch is null || t_scratch.Length < length) t_scratch = new float[length];
        return t_scratch.AsSpan(0, length);
    }

    /// <inheritdoc />
    public void Conv2dBackward(Tensor x, Tensor w, Tensor dy, in Conv2dGeometry g, Tensor? dx, Tensor dw, Tensor? db)
    {
        CheckConv(x, w, db, g, dy, "Conv2dBackward");
        Require(dw.Length == w.Length, "Conv2dBackward", $"dw {dw.Shape} must match w {w.Shape}.");
        Require(dx is null || dx.Length == x.Length, "Conv2dBackward", $"dx {dx?.Shape} must match x {x.Shape}.");
        var xs = D(x); var ws = D(w); var dys = D(dy); var dws = D(dw);
        var geo = g;
        int pixels = g.OutH * g.OutW;
        if (db is not null)
        {
            // db[oc] = Σₙ Σₚ dy: per-plane lane-blocked sums added in image order.
            var dbs = D(db);
            For(g.OutChannels, oc =>
            {
                float acc = 0f;
                for (int n = 0; n < geo.Batch; n++) acc += CpuKernels.Sum(dys.AsSpan((n * geo.OutChannels + oc) * pixels, pixels));
                dbs[oc] = acc;
            });
        }
        if (!ConvGemm.UseVector)
        {
            if (dx is not null) { var dxs0 = D(dx); For(g.Batch, n => ConvScalar.BackwardInput(ws, dys, geo, n, dxs0)); }
            For(g.OutChannels, oc => ConvScalar.BackwardWeight(xs, dys, geo, oc, dws));
            return;
        }
        WeightGradient(xs, dys, geo, dws);
        if (dx is not null) InputGradient(ws, dys, geo, D(dx));
    }

    // dW [OC][K] = Σ over tiles of dy_tile [OC][count] · im2col_tileᵀ. Tiles are grouped into fixed chunks; each chunk
    // sums its tiles in order into its own partial, and partials are added in chunk order: deterministic for any thread count.
    private void WeightGradient(float[] xs, float[] dys, Conv2dGeometry g, float[] dws)
    {
        int m = g.OutChannels, k = g.InChannels * g.KernelH * g.KernelW, pixels = g.OutH * g.OutW;
        int tile = ConvGemm.WeightGradTileFor(k), tilesPerImage = (pixels + tile - 1) / tile, tiles = g.Batch * tilesPerImage;
        int chunks = (tiles + WeightGradTilesPerChunk - 1) / WeightGradTilesPerChunk;
        int inImage = g.InChannels * g.InH * g.InW;
        var partials = new float[chunks][];
        For(chunks, ch =>
        {
            var partial = new float[m * k];
            var bTile = new float[k * tile];
            for (int t = ch * WeightGradTilesPerChunk; t < Math.Min(tiles, (ch + 1) * WeightGradTilesPerChunk); t++)
            {
                int n = t / tilesPerImage, p0 = t % tilesPerImage * tile, count = Math.Min(tile, pixels - p0);
                ConvGemm.Im2ColTile(xs.AsSpan(n * inImage, inImage), g.InChannels, g.InH, g.InW, g.KernelH, g.KernelW,
                    g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.OutW, p0, count, tile, bTile);
                ConvGemm.WeightGradTile(dys.AsSpan(n * m * pixels + p0), pixels, m, bTile, tile, k, count, partial);
            }
            partials[ch] = partial;
        });
        Chunks(m * k, (o, len) =>
        {
            var dst = dws.AsSpan(o, len);
            partials[0].AsSpan(o, len).CopyTo(dst);
            for (int ch = 1; ch < chunks; ch++)
                for (int i = 0; i < len; i++) dst[i] += partials[ch][o + i];
        });
    }

    // dx [N, IC, IH·IW] = A' · im2col'(dy): for stride 1, the gradient of a cross-correlation is a cross-correlation of dy
    // (padded by KH−1−padTop, KW−1−padLeft) with the kernel flipped and transposed, A'[ic][(oc, kh', kw')] =
    // w[oc, ic, KH−1−kh', KW−1−kw']. Each input pixel is gathered once, so tiles never write the same element.
    private void InputGradient(float[] ws, float[] dys, Conv2dGeometry g, float[] dxs)
    {
        if (g.StrideH != 1 || g.StrideW != 1)
        {
            For(g.Batch, n => ConvScalar.BackwardInput(ws, dys, g, n, dxs));
            return;
        }
        int m = g.InChannels, kh = g.KernelH, kw = g.KernelW, oc = g.OutChannels, k = oc * kh * kw, pixels = g.InH * g.InW;
        int packedSize = ConvGemm.PackedSize(m, k);
        var packed = ArrayPool<float>.Shared.Rent(packedSize);
        try
        {
            ConvGemm.PackA(m, k, (ic, c) =>
            {
                int o = c / (kh * kw), r = c % (kh * kw), i = r / kw, j = r % kw;
                return ws[((o * m + ic) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)];
            }, packed.AsSpan(0, packedSize));
            int tile = ConvGemm.TileFor(k), tilesPerImage = (pixels + tile - 1) / tile;
            int outImage = oc * g.OutH * g.OutW, inImage = m * pixels;
            int padT = kh - 1 - g.PadTop, padL = kw - 1 - g.PadLeft;
            For(g.Batch * tilesPerImage, t =>
            {
                int n = t / tilesPerImage, p0 = t % tilesPerImage * tile, count = Math.Min(tile, pixels - p0);
                var bTile = Scratch(k * tile);
                ConvGemm.Im2ColTile(dys.AsSpan(n * outImage, outImage), oc, g.OutH, g.OutW, kh, kw, 1, 1, padT, padL, g.InW, p0, count, tile, bTile);
                ConvGemm.GemmTile(packed.AsSpan(0, packedSize), m, k, bTile, tile, count, default, dxs.AsSpan(n * inImage + p0, inImage - p0), pixels);
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    private static void CheckConv(Tensor x, Tensor w, Tensor? b, in Conv2dGeometry g, Tensor y, string op)
    {
        Require(x.Length == g.Batch * g.InChannels * g.InH * g.InW, op, $"x {x.Shape} does not match the geometry {g}.");
        Require(w.Length == g.OutChannels * g.InChannels * g.KernelH * g.KernelW, op, $"w {w.Shape} does not match the geometry {g}.");
        Require(b is null || b.Length == g.OutChannels, op, $"bias {b?.Shape} must have {g.OutChannels} elements.");
        Require(y.Length == g.Batch * g.OutChannels * g.OutH * g.OutW, op, $"output {y.Shape} does not match the geometry {g}.");
    }
}
