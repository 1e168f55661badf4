using System.Buffers.Binary;
using System.Text;

namespace Multimodal.Sdk.Speech.Tests.Audio;

/// <summary>Writes WAV bytes field by field, so tests can produce both valid files and every kind of lying header.</summary>
internal sealed class WavBuilder
{
    private readonly List<(string Id, byte[] Body, uint? DeclaredSize)> _chunks = [];

    public string RiffId { get; set; } = "RIFF";

    public uint? RiffSize { get; set; }

    /// <summary>A standard 16-byte (or 40-byte extensible) fmt chunk.</summary>
    public WavBuilder Fmt(int formatTag, int channels, int sampleRate, int bitsPerSample, int? blockAlign = null, int? extensibleSubFormat = null, int? validBits = null)
    {
        int align = blockAlign ?? (channels * ((bitsPerSample + 7) / 8));
        var body = new byte[extensibleSubFormat is null ? 16 : 40];
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)(extensibleSubFormat is null ? formatTag : 0xFFFE));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(sampleRate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)bitsPerSample);
        if (extensibleSubFormat is { } sub)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), 22);
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(18), (ushort)(validBits ?? bitsPerSample));
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(20), channels == 2 ? 3u : 0u);
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(24), (ushort)sub);
            byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
            tail.CopyTo(body, 26);
        }

        return Chunk("fmt ", body);
    }

    public WavBuilder Chunk(string id, byte[] body, uint? declaredSize = null)
    {
        _chunks.Add((id, body, declaredSize));
        return this;
    }

    public WavBuilder Data(byte[] body, uint? declaredSize = null) => Chunk("data", body, declaredSize);

    public byte[] Build()
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes(RiffId));
        ms.Write(new byte[4]);
        ms.Write("WAVE"u8);
        Span<byte> size = stackalloc byte[4];
        foreach (var (id, body, declared) in _chunks)
        {
            ms.Write(Encoding.ASCII.GetBytes(id));
            BinaryPrimitives.WriteUInt32LittleEndian(size, declared ?? (uint)body.Length);
            ms.Write(size);
            ms.Write(body);
            if (body.Length % 2 == 1 && declared is null)
            {
                ms.WriteByte(0);
            }
        }

        byte[] bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), RiffSize ?? (uint)(bytes.Length - 8));
        return bytes;
    }

    /// <summary>A complete 16-bit PCM file of interleaved samples.</summary>
    public static byte[] Pcm16(int sampleRate, int channels, ReadOnlySpan<short> interleaved)
    {
        var data = new byte[interleaved.Length * 2];
        for (int i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), interleaved[i]);
        }

        return new WavBuilder().Fmt(1, channels, sampleRate, 16).Data(data).Build();
    }

    /// <summary>The 44-byte header of a 16-bit PCM file whose data chunk declares <paramref name="dataBytes"/>, for streams that write the samples after it.</summary>
    public static byte[] Pcm16Header(int sampleRate, int channels, uint dataBytes) =>
        new WavBuilder { RiffSize = 36 + dataBytes }.Fmt(1, channels, sampleRate, 16).Data([], dataBytes).Build();

    /// <summary>Samples in [-1, 1] as 16-bit values (scaled by 32768, rounded, clamped).</summary>
    public static short[] ToInt16(AudioData audio) =>
        [.. audio.Samples.ToArray().Select(s => (short)Math.Clamp(Math.Round(s * 32768f), short.MinValue, short.MaxValue))];

    /// <summary>A complete 32-bit float file of interleaved samples.</summary>
    public static byte[] Float32(int sampleRate, int channels, ReadOnlySpan<float> interleaved)
    {
        var data = new byte[interleaved.Length * 4];
        for (int i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), interleaved[i]);
        }

        return new WavBuilder().Fmt(3, channels, sampleRate, 32).Data(data).Build();
    }
}

/// <summary>A read-only stream that cannot seek and returns at most a few bytes per read, like a pipe or socket.</summary>
internal sealed class TrickleStream(byte[] data, int maxPerRead = 7) : ForwardOnlyReadStream
{
    private int _position;

    public bool Disposed { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        int n = Math.Min(Math.Min(buffer.Length, maxPerRead), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}

/// <summary>Test signals and the measurements the resampler tests gate on.</summary>
internal static class Signals
{
    public static float[] Tone(double frequency, int sampleRate, int length, double amplitude = 1.0, double phase = 0)
    {
        var x = new float[length];
        for (int n = 0; n < length; n++)
        {
            x[n] = (float)(amplitude * Math.Sin((2 * Math.PI * frequency * n / sampleRate) + phase));
        }

        return x;
    }

    public static float[] Noise(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (int n = 0; n < length; n++)
        {
            x[n] = (float)((random.NextDouble() * 2) - 1);
        }

        return x;
    }

    /// <summary>Amplitude of the component at <paramref name="frequency"/> in a Hann-windowed segment (leakage from far tones is negligible).</summary>
    public static double Amplitude(ReadOnlySpan<float> x, double frequency, int sampleRate)
    {
        double i = 0, q = 0, wsum = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double w = 0.5 - (0.5 * Math.Cos(2 * Math.PI * n / (x.Length - 1)));
            double a = 2 * Math.PI * frequency * n / sampleRate;
            i += w * x[n] * Math.Cos(a);
            q += w * x[n] * Math.Sin(a);
            wsum += w;
        }

        return 2 * Math.Sqrt((i * i) + (q * q)) / wsum;
    }

    public static double PeakAbs(ReadOnlySpan<float> x)
    {
        double peak = 0;
        foreach (float v in x)
        {
            peak = Math.Max(peak, Math.Abs(v));
        }

        return peak;
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);
}
