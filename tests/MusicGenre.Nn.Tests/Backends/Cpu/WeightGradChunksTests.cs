using MusicGenre.Nn.Backends.Cpu;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>The weight gradient's reduction chunks: 16 work items each, unless the partials would not fit one array.</summary>
public sealed class WeightGradChunksTests
{
    [Fact]
    public void Ordinary_layers_keep_16_items_per_chunk()
    {
        Assert.Equal((16, 63), CpuBackend.WeightGradChunks(1000, 64 * 288));
        Assert.Equal((16, 1), CpuBackend.WeightGradChunks(3, 10));
    }

    [Fact]
    public void A_layer_whose_partials_exceed_one_array_gets_larger_chunks_instead_of_an_overflow()
    {
        // 512 → 512 channels, 3 × 3: 2,359,296 floats per partial; batch 128 of 128 work items each: 1,024 chunks of 16
        // would need 2.4 × 10⁹ floats.
        long size = 512L * 512 * 9, tiles = 128L * 128;
        var (perChunk, chunks) = CpuBackend.WeightGradChunks(tiles, size);
        Assert.True((long)chunks * size <= Array.MaxLength, $"{chunks} × {size}");
        Assert.True(perChunk > 16 && perChunk % 16 == 0);
        Assert.Equal((tiles + perChunk - 1) / perChunk, chunks);
        Assert.True((long)(tiles + perChunk / 2 - 1) / (perChunk / 2) * size > Array.MaxLength);  // the smallest chunks that fit
        Assert.Throws<ArgumentException>(() => CpuBackend.WeightGradChunks(2, Array.MaxLength + 1L));
    }
}
