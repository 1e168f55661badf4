using System.Buffers;
using System.Runtime.CompilerServices;

namespace Multimodal.Sdk;

/// <summary>
/// Temporary buffers for image work: small ones from <see cref="ArrayPool{T}.Shared"/>, large ones (over
/// <see cref="MaxPooledBytes"/>) allocated plainly and left to the GC when returned.
/// </summary>
/// <remarks>
/// The shared pool keeps arrays up to 1 GiB in per-core and per-thread stacks and never trims them under a heap
/// limit fast enough: a batch of 8000 x 8000 photos left ~190 MB pixel buffers in it on every core and ran a
/// 768 MB heap out of memory. Large buffers are rare (one per decoded image) and cost little to allocate next to the
/// decode, so they are not pooled. Stateless; safe for concurrent use.
/// </remarks>
internal static class ImageBuffers
{
    /// <summary>The largest buffer, in bytes, that goes through the shared pool: 1 MiB.</summary>
    public const int MaxPooledBytes = 1 << 20;

    /// <summary>Gets a buffer of at least <paramref name="length"/> elements; its contents are undefined.</summary>
    public static T[] Rent<T>(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return (long)length * Unsafe.SizeOf<T>() <= MaxPooledBytes ? ArrayPool<T>.Shared.Rent(length) : GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Gives a buffer from <see cref="Rent{T}"/> back: small ones to the shared pool, large ones to the GC.</summary>
    public static void Return<T>(T[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if ((long)array.Length * Unsafe.SizeOf<T>() <= MaxPooledBytes)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }

    /// <summary>Gets a value indicating whether a buffer of <paramref name="length"/> elements goes back to the shared pool.</summary>
    public static bool IsPooled<T>(int length) => (long)length * Unsafe.SizeOf<T>() <= MaxPooledBytes;
}
