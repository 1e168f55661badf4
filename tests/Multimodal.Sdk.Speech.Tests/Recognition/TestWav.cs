using System.Buffers.Binary;

namespace Multimodal.Sdk.Speech.Tests.Recognition;

/// <summary>16-bit mono PCM WAV bytes built in memory, for tests that feed streams.</summary>
internal static class TestWav
{
    public static short[] Int16(AudioData audio) => [.. audio.Samples.ToArray().Select(s => (short)Math.Clamp(Math.Round(s * 32768f), short.MinValue, short.MaxValue))];

    public static byte[] Wav(short[] samples, int rate)
    {
        var bytes = new byte[44 + (samples.Length * 2)];
        Header(rate, (uint)(samples.Length * 2)).CopyTo(bytes, 0);
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (2 * i)), samples[i]);
        }

        return bytes;
    }

    public static byte[] Header(int rate, uint dataBytes)
    {
        var h = new byte[44];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(h.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(34), 16);
        "data"u8.CopyTo(h.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), dataBytes);
        return h;
    }
}
