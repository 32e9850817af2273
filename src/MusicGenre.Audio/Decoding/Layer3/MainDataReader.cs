using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MusicGenre.Audio.Decoding.Layer3;

/// <summary>
/// MSB-first bit reader over a byte buffer that has <see cref="Padding"/> spare bytes after its data, so <see cref="Peek32"/>
/// always loads 8 bytes from the current byte. Damaged streams can run the position past the data: peeks then stay at
/// the last valid bit position (never outside the array), and callers stop at their own limit (a granule's last bit).
/// </summary>
internal struct MainDataReader
{
    /// <summary>Zero bytes the buffer must hold after its data.</summary>
    public const int Padding = 8;

    private readonly byte[] _buffer;
    private readonly int _limitBits;
    private int _pos;

    /// <summary>Reads <paramref name="buffer"/> from bit <paramref name="startBit"/>; peeks never look past <paramref name="endBit"/>.</summary>
    public MainDataReader(byte[] buffer, int startBit, int endBit)
    {
        _buffer = buffer;
        _pos = startBit;
        _limitBits = Math.Min(endBit, (buffer.Length - Padding) * 8);
    }

    /// <summary>The next bit to read.</summary>
    public readonly int Position => _pos;

    /// <summary>The next 32 bits, MSB first, without consuming them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint Peek32()
    {
        return (uint)(Peek64(_buffer, Math.Min(_pos, _limitBits)) >> 32);
    }

    /// <summary>
    /// The 64 bits of <paramref name="buffer"/> from bit <paramref name="pos"/> on, MSB first, at least 57 of them valid:
    /// one unaligned big-endian 64-bit load at the byte, shifted by the bit offset within it. The caller keeps
    /// <paramref name="pos"/> at most 8 · (length − <see cref="Padding"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Peek64(byte[] buffer, int pos) =>
        BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), pos >> 3))) << (pos & 7);

    /// <summary>Consumes <paramref name="bits"/> bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int bits) => _pos += bits;

    /// <summary>Reads <paramref name="bits"/> (0..25) bits as an unsigned number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Read(int bits)
    {
        if (bits == 0) return 0;
        int value = (int)(Peek32() >> (32 - bits));
        _pos += bits;
        return value;
    }
}
