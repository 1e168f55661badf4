using System.Buffers.Binary;

namespace Multimodal.Sdk.Speech.Tests.Audio;

public class LongAudioTests
{
    [Fact]
    public void StreamingMinutesOfAudioAllocatesOnlyFixedBuffers()
    {
        const int Rate = 44100;
        const int Seconds = 120;
        using var source = new GeneratedWavStream(Rate, channels: 2, frames: Rate * Seconds);
        var block = new float[4096];
        long total = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var reader = AudioReader.Open(source, targetSampleRate: 16000))
        {
            int n;
            while ((n = reader.Read(block)) > 0)
            {
                total += n;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(16000L * Seconds, total);

        // Filter bank (160 phases x 355 taps), I/O and resampler blocks: about 0.5 MB whatever the duration.
        Assert.InRange(allocated, 0, 2L << 20);
    }

    /// <summary>A WAV stream (written as by a streaming writer, data size 0xFFFFFFFF) generated on the fly, never held in memory.</summary>
    private sealed class GeneratedWavStream(int rate, int channels, long frames) : ForwardOnlyReadStream
    {
        private readonly byte[] _header = Header(rate, channels);
        private readonly long _length = 44 + (frames * channels * 2);
        private long _position;

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, _length - _position);
            for (int i = 0; i < n; i++, _position++)
            {
                // A slow square-ish wave: byte value from the sample index, cheap and deterministic.
                buffer[i] = _position < 44 ? _header[_position] : (byte)((_position - 44) / 2 / channels % 200);
            }

            return n;
        }

        private static byte[] Header(int rate, int channels)
        {
            var h = new byte[44];
            "RIFF"u8.CopyTo(h);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), 0xFFFFFFFF);
            "WAVEfmt "u8.CopyTo(h.AsSpan(8));
            BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(16), 16);
            BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(20), 1);
            BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(22), (short)channels);
            BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(24), rate);
            BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(28), rate * channels * 2);
            BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(32), (short)(channels * 2));
            BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(34), 16);
            "data"u8.CopyTo(h.AsSpan(36));
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), 0xFFFFFFFF);
            return h;
        }
    }
}
