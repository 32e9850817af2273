using PureHDF.VOL.Native;

namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// A PureHDF writing chunk cache that holds at most <c>capacity</c> chunks and writes out the oldest when full
/// (PureHDF's default cache keeps every chunk of the file in memory until the writer is disposed, so the memory of a merge
/// would grow with the dataset). Correct for the store's access pattern: segments are written in order, one chunk each,
/// so a chunk is complete long before it becomes the oldest. Not thread-safe (one per writer).
/// </summary>
/// <remarks>
/// PureHDF 2.2.0's <c>chunkWriter</c> argument of <see cref="GetChunk"/> writes to the position of the chunk being
/// requested, not to the index it is given, so evicting through it would misplace data. The delegate given to
/// <see cref="Flush"/> honours the index, and PureHDF calls <see cref="Flush"/> once when the writer starts (before any
/// chunk exists); evictions use that delegate. Until it is known, nothing is evicted (the cache is then unbounded,
/// which is only slower, never wrong). The round-trip tests with capacities 1–3 and the h5py test guard this.
/// </remarks>
internal sealed class BoundedWritingChunkCache : IWritingChunkCache
{
    private readonly int _capacity;
    private readonly Dictionary<ulong, Memory<byte>> _chunks = new();
    private readonly Queue<ulong> _order = new();
    private Action<ulong, Memory<byte>>? _indexedWriter;

    public BoundedWritingChunkCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <inheritdoc />
    public Memory<byte> GetChunk(ulong chunkIndex, Func<Memory<byte>> chunkAllocator, Action<ulong, Memory<byte>> chunkWriter)
    {
        // 1. A chunk still being filled is returned as is.
        if (_chunks.TryGetValue(chunkIndex, out var chunk)) return chunk;

        // 2. Make room by writing out the oldest chunks (through the index-honouring writer), then allocate the new one.
        while (_chunks.Count >= _capacity && _indexedWriter is not null)
        {
            ulong oldest = _order.Dequeue();
            _indexedWriter(oldest, _chunks[oldest]);
            _chunks.Remove(oldest);
        }
        chunk = chunkAllocator();
        _chunks[chunkIndex] = chunk;
        _order.Enqueue(chunkIndex);
        return chunk;
    }

    /// <inheritdoc />
    public void Flush(Action<ulong, Memory<byte>> chunkWriter)
    {
        _indexedWriter ??= chunkWriter;
        while (_order.TryDequeue(out ulong index))
        {
            chunkWriter(index, _chunks[index]);
            _chunks.Remove(index);
        }
    }
}
