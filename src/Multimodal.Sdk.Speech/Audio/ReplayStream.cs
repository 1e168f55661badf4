namespace Multimodal.Sdk;

/// <summary>
/// A forward-only stream that first returns bytes already read from another stream (the magic bytes used to detect
/// the container) and then the rest of that stream, so non-seekable inputs can be sniffed without losing data.
/// </summary>
/// <remarks>Not safe for concurrent use. Never disposes the inner stream.</remarks>
internal sealed class ReplayStream(byte[] prefix, Stream inner) : ForwardOnlyReadStream
{
    private int _prefixPosition;

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPosition < prefix.Length)
        {
            int n = Math.Min(buffer.Length, prefix.Length - _prefixPosition);
            prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
            _prefixPosition += n;
            return n;
        }

        return inner.Read(buffer);
    }
}
