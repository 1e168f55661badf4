using System.Buffers;
using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>
/// Decodes a WAV stream block by block into mono samples at the file's own rate. Memory is one I/O buffer
/// whatever the file length; the stream is read forward only, so pipes and network streams work.
/// </summary>
/// <remarks>Not safe for concurrent use. Disposing returns the buffer and, unless <c>leaveOpen</c>, disposes the stream.</remarks>
internal sealed class WavSampleReader : IAudioSampleReader
{
    private const int BufferBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _vectorized;
    private readonly long? _declaredBytes;
    private byte[]? _buffer;
    private long _bytesRead;
    private bool _ended;

    private WavSampleReader(Stream stream, WavFormat format, bool leaveOpen, bool vectorized)
    {
        _stream = stream;
        Format = format;
        _leaveOpen = leaveOpen;
        _vectorized = vectorized;
        _declaredBytes = format.DataLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(BufferBytes, format.BlockAlign));
    }

    /// <summary>Gets what the header says.</summary>
    public WavFormat Format { get; }

    /// <inheritdoc/>
    public int SampleRate => Format.SampleRate;

    /// <inheritdoc/>
    public long? Length => Format.FrameCount;

    /// <summary>Parses the header and positions the reader on the first frame.</summary>
    /// <exception cref="InputDecodeException">The header is not a supported, consistent WAV header.</exception>
    public static WavSampleReader Open(Stream stream, bool leaveOpen = true, bool vectorized = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var format = WavHeaderParser.Parse(stream);
        return new WavSampleReader(stream, format, leaveOpen, vectorized);
    }

    /// <inheritdoc/>
    public int Read(Span<float> destination)
    {
        byte[] buffer = _buffer ?? throw new ObjectDisposedException(nameof(WavSampleReader));
        if (destination.IsEmpty || _ended)
        {
            return 0;
        }

        int align = Format.BlockAlign;
        long maxFrames = Math.Min(destination.Length, buffer.Length / align);
        if (_declaredBytes is { } declared)
        {
            // A trailing partial frame (data size not a multiple of block align) is padding, not audio.
            maxFrames = Math.Min(maxFrames, (declared - _bytesRead) / align);
        }

        if (maxFrames == 0)
        {
            _ended = true;
            return 0;
        }

        int want = (int)maxFrames * align;
        int got = WavHeaderParser.ReadFully(_stream, buffer.AsSpan(0, want));
        _bytesRead += got;
        if (got < want)
        {
            if (_declaredBytes is { } d)
            {
                throw WavHeaderParser.Error(string.Create(CultureInfo.InvariantCulture, $"the 'data' chunk declares {d} bytes but the stream ends after {_bytesRead}: the file is truncated or its header lies"));
            }

            _ended = true;
        }

        int frames = got / align;
        PcmDecoder.ToMono(buffer.AsSpan(0, frames * align), Format.SampleFormat, Format.Channels, destination, _vectorized);
        if (Format.SampleFormat is WavSampleFormat.Float32 or WavSampleFormat.Float64)
        {
            PcmDecoder.RequireFinite(destination[..frames]);
        }

        return frames;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }
}
