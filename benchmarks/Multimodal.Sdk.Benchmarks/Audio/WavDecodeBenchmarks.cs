using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;

namespace Multimodal.Sdk.Benchmarks.Audio;

/// <summary>Decoding 30 s of 44.1 kHz 16-bit WAV from memory: the PCM conversion paths and the whole public call.</summary>
public class WavDecodeBenchmarks
{
    private byte[] _mono = [];
    private byte[] _stereo = [];
    private float[] _samples = [];

    [GlobalSetup]
    public void Setup()
    {
        _mono = Wav(44100, 1, 30);
        _stereo = Wav(44100, 2, 30);
        _samples = new float[44100 * 30];
    }

    [Benchmark(Baseline = true, Description = "WAV 30 s mono 16-bit, scalar")]
    public int MonoScalar() => Decode(_mono, vectorized: false);

    [Benchmark(Description = "WAV 30 s mono 16-bit, TensorPrimitives")]
    public int MonoVectorized() => Decode(_mono, vectorized: true);

    [Benchmark(Description = "WAV 30 s stereo 16-bit (downmix)")]
    public int Stereo() => Decode(_stereo, vectorized: true);

    [Benchmark(Description = "AudioFile.Read 30 s stereo 44.1k -> 16k mono")]
    public AudioData ReadAndResample() => AudioFile.Read(new MemoryStream(_stereo), 16000);

    private int Decode(byte[] wav, bool vectorized)
    {
        using var reader = WavSampleReader.Open(new MemoryStream(wav), vectorized: vectorized);
        int total = 0, n;
        while ((n = reader.Read(_samples.AsSpan(total))) > 0)
        {
            total += n;
        }

        return total;
    }

    private static byte[] Wav(int rate, int channels, int seconds)
    {
        int frames = rate * seconds;
        var bytes = new byte[44 + (frames * channels * 2)];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), rate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), frames * channels * 2);
        var random = new Random(2);
        for (int i = 44; i < bytes.Length; i += 2)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i), (short)random.Next(-20000, 20000));
        }

        return bytes;
    }
}
