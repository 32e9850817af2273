using System.Buffers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MusicGenre.Nn.Tensors;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Backends.Cpu;

internal sealed partial class CpuBackend
{
    private const int WeightGradTilesPerChunk = 16; // fixed (thread-count independent) reduction chunks for dW

    /// <summary>
    /// The reduction chunks of a weight gradient over <paramref name="tiles"/> work items whose partial holds
    /// <paramref name="size"/> floats: <see cref="WeightGradTilesPerChunk"/> items per chunk, doubled until all partials
    /// fit in one array (a 512-wide layer at batch 128 would need more than 2³¹ floats). Depends on the geometry only, so
    /// the summation order stays the same for any thread count.
    /// </summary>
    internal static (int PerChunk, int Chunks) WeightGradChunks(long tiles, long size)
    {
        long perChunk = WeightGradTilesPerChunk, chunks = (tiles + perChunk - 1) / perChunk;
        while (chunks > 1 && chunks * size > Array.MaxLength)
        {
            perChunk *= 2;
            chunks = (tiles + perChunk - 1) / perChunk;
        }
        if (chunks * size > Array.MaxLength)
            throw new ArgumentException($"a weight gradient of {size} values is too large for one array");
        return ((int)perChunk, (int)chunks);
    }

    /// <inheritdoc />
    public void Conv2dForward(Tensor x, Tensor w, Tensor? b, in Conv2dGeometry g, Tensor y)
    {
        // x [N, IC, IH, IW], w [OC, IC, KH, KW] = A [OC][K], y [N, OC, OH·OW] = A · im2col(x)
        CheckConv(x, w, b, g, y, "Conv2dForward");
        var xs = D(x); var ws = D(w); var bs = b is null ? null : D(b); var ys = D(y);
        var geo = g;
        // Where 128-bit vectors are the widest (ARM64), the vector paths still run: DirectConv and Winograd F(4×4) are
        // written for every width, and the GEMM has 128-bit kernels (F(2×2)'s transforms are 256-bit only: scalar twin).
        if (!ConvGemm.UseVector && !ConvGemm.Use128)
        {
            For(g.Batch, n => ConvScalar.Forward(xs, ws, bs, geo, n, ys));
            return;
        }
        if (UseDirect && DirectConv.Applies(g))
        {
            DirectForward(xs, ws, bs, g, ys);
            return;
        }
        if (UseWinograd && Winograd.Applies(g))
        {
            WinogradConv(xs, ws, bs, g, adjoint: false, ys);
            return;
        }
        // 1. Pack the weights into 6-row blocks once (a pooled buffer: PackA writes every element, padding rows included,
        //    so nothing of a previous use survives; no large garbage per call, which matters when a long file is classified
        //    batch after batch).
        int m = g.OutChannels, k = g.InChannels * g.KernelH * g.KernelW, pixels = g.OutH * g.OutW;
        int packedSize = ConvGemm.PackedSize(m, k);
        var packed = PreparedFilters(ws, FilterForm.Gemm, m, k, packedSize, a => ConvGemm.PackA(m, k, (r, c) => ws[r * k + c], a), out bool rented);
        try
        {
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
            if (rented) ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>
    /// Whether 3×3 same-size convolutions with ≥ 8 channels run by Winograd (default) rather than im2col + GEMM
    /// (kept for benchmarks and tests that compare the two).
    /// </summary>
    internal bool UseWinograd { get; set; } = true;

    /// <summary>
    /// Whether 3×3 stride-1 convolutions with ≤ <see cref="DirectConv.MaxInChannels"/> input channels run directly
    /// (forward and weight gradient; default) rather than by im2col + GEMM (kept for benchmarks and tests).
    /// </summary>
    internal bool UseDirect { get; set; } = true;

    // Forward by DirectConv: one work item per image, or per (image, output channel) when the batch is too small to
    // keep every thread busy (each item pads its image again: C·(H + 2) rows, small beside its 9·C·H·W multiply-adds).
    private void DirectForward(float[] xs, float[] ws, float[]? bs, Conv2dGeometry g, float[] ys)
    {
        var width = SimdWidths.Best;
        int groups = g.Batch >= 2 * ThreadCount ? 1 : g.OutChannels, per = (g.OutChannels + groups - 1) / groups;
        int inImage = g.InChannels * g.InH * g.InW, outImage = g.OutChannels * g.OutH * g.OutW, scratch = DirectConv.ScratchSize(g);
        For(g.Batch * groups, t =>
        {
            int n = t / groups, oc0 = t % groups * per, oc1 = Math.Min(g.OutChannels, oc0 + per);
            DirectConv.Forward(xs.AsSpan(n * inImage, inImage), ws, bs, g, oc0, oc1, Scratch(scratch), ys.AsSpan(n * outImage, outImage), width);
        });
    }

    // dW by DirectConv: each image writes its own partial; partials are added in image order (deterministic for any
    // thread count).
    private void DirectWeightGradient(float[] xs, float[] dys, Conv2dGeometry g, float[] dws)
    {
        var width = SimdWidths.Best;
        int size = g.OutChannels * g.InChannels * g.KernelH * g.KernelW, inImage = g.InChannels * g.InH * g.InW, outImage = g.OutChannels * g.OutH * g.OutW;
        int scratch = DirectConv.ScratchSize(g);
        var partials = ArrayPool<float>.Shared.Rent(g.Batch * size);
        try
        {
            For(g.Batch, n => DirectConv.WeightGradient(xs.AsSpan(n * inImage, inImage), dys.AsSpan(n * outImage, outImage), g,
                Scratch(scratch), partials.AsSpan(n * size, size), width));
            for (int i = 0; i < size; i++)
            {
                float acc = partials[i];
                for (int n = 1; n < g.Batch; n++) acc += partials[n * size + i];
                dws[i] = acc;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>
    /// Output tile of the Winograd forward and data-gradient convolutions: 4 for F(4×4, 3×3) (<see cref="Winograd4"/>,
    /// default: 1.78× fewer multiply-adds) where <see cref="Winograd4.Suits"/> (rows of at least two registers of tiles),
    /// F(2×2, 3×3) otherwise; 2 for F(2×2, 3×3) (<see cref="Winograd"/>) always. The weight gradient always uses F(2×2, 3×3).
    /// </summary>
    internal int WinogradTile { get; set; } = 4;

    /// <summary>
    /// A 3×3 same-size convolution by Winograd F(4×4, 3×3) or F(2×2, 3×3) (<see cref="WinogradTile"/>): x
    /// <c>[N][C][H][W]</c> → y <c>[N][K][H][W]</c>. <paramref name="adjoint"/>: x is dy and y is dx (the transposed
    /// convolution of the same geometry, which for stride 1 and padding 1 is again a same-size 3×3 convolution with rotated
    /// filters). One work item per (image, run of tiles); each writes only its own tiles' pixels.
    /// </summary>
    private void WinogradConv(float[] xs, float[] ws, float[]? bias, in Conv2dGeometry g, bool adjoint, float[] ys)
    {
        int c = adjoint ? g.OutChannels : g.InChannels, k = adjoint ? g.InChannels : g.OutChannels;
        int h = g.InH, w = g.InW, plane = h * w;
        bool f4 = WinogradTile == 4 && Winograd4.Suits(w, SimdWidths.Best);
        int packedSize = f4 ? Winograd4.PackedFilterSize(k, c) : Winograd.PackedFilterSize(k, c);
        int outChannels = g.OutChannels, inChannels = g.InChannels;
        var form = f4 ? (adjoint ? FilterForm.Winograd4Adjoint : FilterForm.Winograd4) : adjoint ? FilterForm.Winograd2Adjoint : FilterForm.Winograd2;
        var packed = PreparedFilters(ws, form, outChannels, inChannels, packedSize, u =>
        {
            if (f4) Winograd4.TransformFilters(ws, outChannels, inChannels, adjoint, u, For);
            else Winograd.TransformFilters(ws, outChannels, inChannels, adjoint, u);
        }, out bool rented);
        try
        {
            int tiles = f4 ? (h + 3) / 4 * ((w + 3) / 4) : (h + 1) / 2 * ((w + 1) / 2);
            int cols = f4 ? Winograd4.ColumnsFor(c, k) : Winograd.ColumnsFor(c, k), items = (tiles + cols - 1) / cols;
            int scratch = f4 ? Winograd4.ScratchSize(c, k, cols) : Winograd.ScratchSize(c, k, cols);
            var width = SimdWidths.Best;
            For(g.Batch * items, t =>
            {
                int n = t / items, p0 = t % items * cols, count = Math.Min(cols, tiles - p0);
                var x = xs.AsSpan(n * c * plane, c * plane);
                var y = ys.AsSpan(n * k * plane, k * plane);
                var filters = packed.AsSpan(0, packedSize);
                if (f4) Winograd4.Tiles(x, c, h, w, filters, k, bias, p0, count, cols, Scratch(scratch), y, width);
                else Winograd.Tiles(x, c, h, w, filters, k, bias, p0, count, cols, Scratch(scratch), y, vector: true);
            });
        }
        finally
        {
            if (rented) ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>The forms a convolution's filters are prepared in before its products.</summary>
    private enum FilterForm { Gemm, Winograd2, Winograd2Adjoint, Winograd4, Winograd4Adjoint }

    /// <summary>With <see cref="FixedWeights"/>: each weight array's prepared filters, by form, for the backend's life.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(float[] Weights, FilterForm Form, int Rows, int Columns), float[]> _preparedFilters = new();

    /// <summary>
    /// <paramref name="size"/> floats of <paramref name="weights"/> (read as <paramref name="rows"/> × <paramref name="columns"/>
    /// filters) prepared in <paramref name="form"/> by
    /// <paramref name="prepare"/> (which writes all of them): kept from the first call when the weights are fixed
    /// (<paramref name="rented"/> false), else prepared anew into a pooled array the caller returns (<paramref name="rented"/> true).
    /// </summary>
    private float[] PreparedFilters(float[] weights, FilterForm form, int rows, int columns, int size, Action<Span<float>> prepare, out bool rented)
    {
        rented = !FixedWeights;
        if (FixedWeights)
            return _preparedFilters.GetOrAdd((weights, form, rows, columns), _ =>
            {
                var kept = new float[size];
                prepare(kept);
                return kept;
            });
        var pooled = ArrayPool<float>.Shared.Rent(size);
        prepare(pooled.AsSpan(0, size));
        return pooled;
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
        // As the forward pass: at 128 bits the same paths, each 256-bit-only tile kernel (F(2×2)'s transforms, the GEMM
        // weight-gradient tile, col2im's add) running its scalar twin inside them.
        if (!ConvGemm.UseVector && !ConvGemm.Use128)
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
        if (UseDirect && DirectConv.Applies(g))
        {
            DirectWeightGradient(xs, dys, g, dws);
            return;
        }
        if (UseWinograd && Winograd.Applies(g))
        {
            WinogradWeightGradient(xs, dys, g, dws);
            return;
        }
        int m = g.OutChannels, k = g.InChannels * g.KernelH * g.KernelW, pixels = g.OutH * g.OutW;
        int tile = ConvGemm.WeightGradTileFor(k), tilesPerImage = (pixels + tile - 1) / tile, tiles = g.Batch * tilesPerImage;
        int inImage = g.InChannels * g.InH * g.InW, size = m * k;
        ReduceWeightGradient(tiles, size, (t, partial) =>
        {
            int n = t / tilesPerImage, p0 = t % tilesPerImage * tile, count = Math.Min(tile, pixels - p0);
            var bTile = Scratch(k * tile);
            ConvGemm.Im2ColTile(xs.AsSpan(n * inImage, inImage), g.InChannels, g.InH, g.InW, g.KernelH, g.KernelW,
                g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.OutW, p0, count, tile, bTile);
            ConvGemm.WeightGradTile(dys.AsSpan(n * m * pixels + p0), pixels, m, bTile, tile, k, count, partial);
        }, dws, useSum: null);
    }

    private delegate void WeightGradItem(int item, Span<float> partial);

    // The reduction both weight gradients share: `items` work items in fixed chunks (WeightGradChunks), each chunk adding
    // its items in order into its own partial of `size` floats — partial ch is partials[ch·size ..] of one pooled buffer
    // (no per-call garbage; a 32→64 layer's partials would land on the large-object heap), cleared by its own chunk — then
    // the partials added in chunk order (AddPartials) into `sum`, or, without one, into the first partial, whose buffer
    // `useSum` gets before it goes back to the pool. Deterministic for any thread count.
    private void ReduceWeightGradient(int items, int size, WeightGradItem accumulate, float[]? sum, Action<float[]>? useSum)
    {
        var (perChunk, chunks) = WeightGradChunks(items, size);
        var partials = ArrayPool<float>.Shared.Rent(chunks * size);
        try
        {
            For(chunks, ch =>
            {
                var partial = partials.AsSpan(ch * size, size);
                partial.Clear();
                for (int t = ch * perChunk; t < Math.Min(items, (ch + 1) * perChunk); t++) accumulate(t, partial);
            });
            AddPartials(partials, chunks, size, sum ?? partials);
            useSum?.Invoke(partials);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>
    /// sum[i] = partials[i] + partials[size + i] + … + partials[(chunks − 1)·size + i], added left to right (the same
    /// order for any thread count), in parallel over runs of i. <paramref name="sum"/> may be <paramref name="partials"/>
    /// itself (the total then replaces the first partial).
    /// </summary>
    private void AddPartials(float[] partials, int chunks, int size, float[] sum) => Chunks(size, (o, len) =>
    {
        var dst = sum.AsSpan(o, len);
        if (!ReferenceEquals(sum, partials)) partials.AsSpan(o, len).CopyTo(dst);
        for (int ch = 1; ch < chunks; ch++) TensorPrimitives.Add(dst, partials.AsSpan(ch * size + o, len), dst); // elementwise: exact in any lane width
    });

    // dW by Winograd F(2×2, 3×3) (Winograd.WeightTiles): work items of up to `cols` tiles of one image, grouped into fixed
    // chunks that sum their items in order into a position-wise partial [16][K][C]; partials are added in chunk order,
    // then transformed back to 3×3 filters. Deterministic for any thread count.
    private void WinogradWeightGradient(float[] xs, float[] dys, Conv2dGeometry g, float[] dws)
    {
        int c = g.InChannels, k = g.OutChannels, h = g.InH, w = g.InW, plane = h * w;
        int tiles = (h + 1) / 2 * ((w + 1) / 2), cols = Winograd.ColumnsFor(c, k), items = (tiles + cols - 1) / cols;
        int total = g.Batch * items;
        int size = Winograd.Positions * k * c, scratch = Winograd.WeightScratchSize(c, k, cols);
        // The partials' sum replaces the first partial, then is transformed back to 3×3 filters.
        ReduceWeightGradient(total, size, (t, partial) =>
        {
            int n = t / items, p0 = t % items * cols;
            Winograd.WeightTiles(xs.AsSpan(n * c * plane, c * plane), c, h, w, dys.AsSpan(n * k * plane, k * plane), k,
                p0, Math.Min(cols, tiles - p0), cols, Scratch(scratch), partial, vector: true);
        }, sum: null, useSum: summed => For(k, oc => Winograd.FilterGradient(summed.AsSpan(0, size), k, c, oc, dws)));
    }

    // dx by col2im, for stride 1: dcol [K = IC·KH·KW][pixels] = Wᵀ [K][OC] · dy [OC][pixels], then each dcol row is added
    // into dx at its kernel offset (Col2ImTile). Wᵀ has K rows, so the 6-row micro-kernel is full even when IC is small,
    // and dy is read in place (no gather); the scatter touches K·pixels values, half of what gathering dy (OC·KH·KW rows)
    // would. Tiles of one image add into overlapping rows of dx, so an image's tiles run in order on one thread: the sum
    // order is fixed, whatever the thread count.
    private void InputGradient(float[] ws, float[] dys, Conv2dGeometry g, float[] dxs)
    {
        if (g.StrideH != 1 || g.StrideW != 1)
        {
            For(g.Batch, n => ConvScalar.BackwardInput(ws, dys, g, n, dxs));
            return;
        }
        if (UseWinograd && Winograd.Applies(g))
        {
            WinogradConv(dys, ws, null, g, adjoint: true, dxs);
            return;
        }
        int m = g.InChannels * g.KernelH * g.KernelW, k = g.OutChannels, pixels = g.OutH * g.OutW;
        int packedSize = ConvGemm.PackedSize(m, k);
        var packed = ArrayPool<float>.Shared.Rent(packedSize);
        try
        {
            ConvGemm.PackA(m, k, (r, oc) => ws[oc * m + r], packed.AsSpan(0, packedSize));
            int tile = ConvGemm.TileFor(m) / ConvGemm.NR * ConvGemm.NR;
            int outImage = k * pixels, inImage = g.InChannels * g.InH * g.InW;
            For(g.Batch, n =>
            {
                var dx = dxs.AsSpan(n * inImage, inImage);
                dx.Clear();
                var cTile = Scratch(m * tile + k * tile);
                var dcol = cTile[..(m * tile)];
                for (int p0 = 0; p0 < pixels; p0 += tile)
                {
                    int count = Math.Min(tile, pixels - p0);
                    // The micro-kernel reads B in blocks of 16 columns: read dy in place while a whole block lies inside
                    // this image, else copy the tile's dy columns into a zero-padded buffer.
                    ReadOnlySpan<float> b; int ldb;
                    if (p0 + (count + ConvGemm.NR - 1) / ConvGemm.NR * ConvGemm.NR <= pixels) { b = dys.AsSpan(n * outImage + p0); ldb = pixels; }
                    else
                    {
                        var pad = cTile.Slice(m * tile, k * tile);
                        for (int oc = 0; oc < k; oc++)
                        {
                            dys.AsSpan(n * outImage + oc * pixels + p0, count).CopyTo(pad.Slice(oc * tile, count));
                            pad.Slice(oc * tile + count, tile - count).Clear();
                        }
                        b = pad; ldb = tile;
                    }
                    ConvGemm.GemmTile(packed.AsSpan(0, packedSize), m, k, b, ldb, count, default, dcol, tile);
                    ConvGemm.Col2ImTile(dcol, g.InChannels, g.InH, g.InW, g.KernelH, g.KernelW, g.PadTop, g.PadLeft, g.OutW, p0, count, tile, dx);
                }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>
    /// What the convolution operations above take beside their tensors, for memory estimates: the buffers each rents from
    /// <see cref="ArrayPool{T}.Shared"/> (one group per operation: the lengths it holds at once, in floats) and the
    /// largest per-thread scratch (<see cref="Scratch"/>) any of them grows. Forward always; with
    /// <paramref name="backward"/> the weight gradient, and with <paramref name="inputGradient"/> too the data gradient.
    /// Mirrors the path choices of <see cref="Conv2dForward"/>, <see cref="WeightGradient"/> and <see cref="InputGradient"/>:
    /// change them together.
    /// </summary>
    internal (List<long[]> Groups, long Scratch) ConvWorkspace(in Conv2dGeometry g, bool backward, bool inputGradient)
    {
        var groups = new List<long[]>();
        long scratch = 0;
        if (!ConvGemm.UseVector && !ConvGemm.Use128) return (groups, scratch); // the scalar twins rent nothing
        long kernel = (long)g.KernelH * g.KernelW, pixels = (long)g.OutH * g.OutW;
        // 1. Forward: direct (scratch only), Winograd (packed filters + the transform's temporaries) or im2col + GEMM.
        if (UseDirect && DirectConv.Applies(g)) scratch = DirectConv.ScratchSize(g);
        else if (UseWinograd && Winograd.Applies(g)) scratch = WinogradWorkspace(g, adjoint: false, groups);
        else
        {
            int k = g.InChannels * g.KernelH * g.KernelW;
            groups.Add([ConvGemm.PackedSize(g.OutChannels, k)]);
            scratch = (long)k * ConvGemm.TileFor(k);
        }
        if (!backward) return (groups, scratch);
        // 2. Weight gradient: per-image or per-chunk partials.
        if (UseDirect && DirectConv.Applies(g))
        {
            groups.Add([g.Batch * g.OutChannels * g.InChannels * kernel]);
            scratch = Math.Max(scratch, DirectConv.ScratchSize(g));
        }
        else if (UseWinograd && Winograd.Applies(g))
        {
            int c = g.InChannels, k = g.OutChannels, cols = Winograd.ColumnsFor(c, k);
            long tiles = (g.InH + 1) / 2 * (long)((g.InW + 1) / 2), items = (tiles + cols - 1) / cols;
            long chunks = WeightGradChunks(g.Batch * items, (long)Winograd.Positions * k * c).Chunks;
            groups.Add([chunks * Winograd.Positions * k * c]);
            scratch = Math.Max(scratch, Winograd.WeightScratchSize(c, k, cols));
        }
        else
        {
            int k = g.InChannels * g.KernelH * g.KernelW, tile = ConvGemm.WeightGradTileFor(k);
            long tiles = g.Batch * ((pixels + tile - 1) / tile), chunks = WeightGradChunks(tiles, (long)g.OutChannels * k).Chunks;
            groups.Add([chunks * g.OutChannels * k]);
            scratch = Math.Max(scratch, (long)k * tile);
        }
        // 3. Data gradient (not for the first layer): scalar for strides, Winograd's adjoint, or GEMM + col2im.
        if (!inputGradient || g.StrideH != 1 || g.StrideW != 1) return (groups, scratch);
        if (UseWinograd && Winograd.Applies(g)) scratch = Math.Max(scratch, WinogradWorkspace(g, adjoint: true, groups));
        else
        {
            int m = g.InChannels * g.KernelH * g.KernelW, tile = ConvGemm.TileFor(m) / ConvGemm.NR * ConvGemm.NR;
            groups.Add([ConvGemm.PackedSize(m, g.OutChannels)]);
            scratch = Math.Max(scratch, (long)(m + g.OutChannels) * tile);
        }
        return (groups, scratch);
    }

    // WinogradConv's rents (packed filters, and TransformFilters' U — plus W and packed copies for F(4×4) — while they
    // are held) as one group; returns its per-thread scratch.
    private long WinogradWorkspace(in Conv2dGeometry g, bool adjoint, List<long[]> groups)
    {
        int c = adjoint ? g.OutChannels : g.InChannels, k = adjoint ? g.InChannels : g.OutChannels;
        long filters = (long)g.OutChannels * g.InChannels;
        if (WinogradTile == 4 && Winograd4.Suits(g.InW, SimdWidths.Best))
        {
            long packed = Winograd4.PackedFilterSize(k, c);
            groups.Add([packed, Winograd4.Positions * filters, 9 * filters, packed]);
            return Winograd4.ScratchSize(c, k, Winograd4.ColumnsFor(c, k));
        }
        groups.Add([Winograd.PackedFilterSize(k, c), Winograd.Positions * filters]);
        return Winograd.ScratchSize(c, k, Winograd.ColumnsFor(c, k));
    }

    private static void CheckConv(Tensor x, Tensor w, Tensor? b, in Conv2dGeometry g, Tensor y, string op)
    {
        Require(x.Length == g.Batch * g.InChannels * g.InH * g.InW, op, $"x {x.Shape} does not match the geometry {g}.");
        Require(w.Length == g.OutChannels * g.InChannels * g.KernelH * g.KernelW, op, $"w {w.Shape} does not match the geometry {g}.");
        Require(b is null || b.Length == g.OutChannels, op, $"bias {b?.Shape} must have {g.OutChannels} elements.");
        Require(y.Length == g.Batch * g.OutChannels * g.OutH * g.OutW, op, $"output {y.Shape} does not match the geometry {g}.");
    }
}
