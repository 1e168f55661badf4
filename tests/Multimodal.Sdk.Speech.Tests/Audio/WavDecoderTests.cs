using System.Buffers.Binary;

namespace Multimodal.Sdk.Speech.Tests.Audio;

public class WavDecoderTests
{
    private static float[] Decode(byte[] wav, bool seekable = true, bool vectorized = true, int block = 4096)
    {
        using Stream stream = seekable ? new MemoryStream(wav) : new TrickleStream(wav);
        using var reader = WavSampleReader.Open(stream, leaveOpen: true, vectorized);
        var all = new List<float>();
        var buffer = new float[block];
        int n;
        while ((n = reader.Read(buffer)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, n));
        }

        return [.. all];
    }

    private static InputDecodeException Rejects(byte[] wav, bool seekable = true) =>
        Assert.Throws<InputDecodeException>(() => Decode(wav, seekable));

    [Fact]
    public void UnsignedEightBitIsCenteredOn128AndScaledBy128()
    {
        byte[] wav = new WavBuilder().Fmt(1, 1, 8000, 8).Data([0, 128, 255, 64]).Build();
        Assert.Equal([-1f, 0f, 127f / 128, -0.5f], Decode(wav));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SixteenBitFullScaleMapsToMinusOneAndJustBelowOne(bool vectorized)
    {
        byte[] wav = WavBuilder.Pcm16(16000, 1, [short.MinValue, 0, short.MaxValue, 16384, -1]);
        Assert.Equal([-1f, 0f, 32767f / 32768, 0.5f, -1f / 32768], Decode(wav, vectorized: vectorized));
    }

    [Fact]
    public void TwentyFourBitSamplesAreSignExtendedFromThreeBytes()
    {
        byte[] data = [0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x40, 0xFF, 0xFF, 0xFF];
        byte[] wav = new WavBuilder().Fmt(1, 1, 48000, 24).Data(data).Build();
        Assert.Equal([-1f, 8388607f / 8388608, 0.5f, -1f / 8388608], Decode(wav));
    }

    [Fact]
    public void ThirtyTwoBitIntegersAreScaledByTwoToThe31()
    {
        var data = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(data, int.MinValue);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), 1 << 30);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), -(1 << 29));
        byte[] wav = new WavBuilder().Fmt(1, 1, 44100, 32).Data(data).Build();
        Assert.Equal([-1f, 0.5f, -0.25f], Decode(wav));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Float32SamplesPassThroughUnchangedAndUnclipped(bool vectorized)
    {
        float[] samples = [0.25f, -0.75f, 1.5f, float.Epsilon];
        Assert.Equal(samples, Decode(WavBuilder.Float32(22050, 1, samples), vectorized: vectorized));
    }

    [Fact]
    public void Float64SamplesAreNarrowedToFloat()
    {
        var data = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.125);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), -0.3);
        byte[] wav = new WavBuilder().Fmt(3, 1, 8000, 64).Data(data).Build();
        Assert.Equal([0.125f, -0.3f], Decode(wav));
    }

    [Fact]
    public void StereoIsDownmixedByAveragingTheChannels()
    {
        byte[] wav = WavBuilder.Pcm16(44100, 2, [16384, -16384, 32767, 32767, 8192, 0]);
        Assert.Equal([0f, 32767f / 32768, 0.125f], Decode(wav));
    }

    [Fact]
    public void SixChannelsAreAveragedIntoOneSample()
    {
        byte[] wav = WavBuilder.Float32(48000, 6, [0.6f, 0, 0, 0, 0, 0, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f]);
        float[] mono = Decode(wav);
        Assert.Equal(0.1f, mono[0], 1e-7f);
        Assert.Equal(0.1f, mono[1], 1e-7f);
    }

    [Fact]
    public void ExtensibleFormatTakesTheCodeFromTheSubFormatGuid()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 0.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -0.5f);
        byte[] floats = new WavBuilder().Fmt(0, 2, 48000, 32, extensibleSubFormat: 3).Data(data).Build();
        Assert.Equal([0f], Decode(floats));

        // 24 valid bits in a 32-bit container are left-justified, so the container scale is right.
        var pcm = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(pcm, 0x40000000);
        byte[] ints = new WavBuilder().Fmt(0, 1, 96000, 32, extensibleSubFormat: 1, validBits: 24).Data(pcm).Build();
        Assert.Equal([0.5f], Decode(ints));
    }

    [Fact]
    public void UnknownChunksIncludingOddSizedOnesWithPadByteAreSkipped()
    {
        byte[] wav = new WavBuilder()
            .Chunk("JUNK", new byte[3])
            .Fmt(1, 1, 16000, 16)
            .Chunk("LIST", "INFOISFT\u0005\0\0\0abcde"u8.ToArray())
            .Chunk("fact", [4, 0, 0, 0])
            .Data([0x00, 0x40])
            .Chunk("id3 ", [1, 2, 3])
            .Build();
        Assert.Equal([0.5f], Decode(wav, seekable: false));
        Assert.Equal([0.5f], Decode(wav, seekable: true));
    }

    [Fact]
    public void SampleRateAndFrameCountComeFromTheHeader()
    {
        byte[] wav = WavBuilder.Pcm16(22050, 2, new short[10]);
        using var reader = WavSampleReader.Open(new MemoryStream(wav));
        Assert.Equal(22050, reader.SampleRate);
        Assert.Equal(5, reader.Length);
        Assert.Equal(WavSampleFormat.Int16, reader.Format.SampleFormat);
    }

    [Theory]
    [InlineData(0xFFFFFFFFu, 100u)]
    [InlineData(0x7FFFF000u, 0x7FFFF024u)]
    [InlineData(0u, 0u)]
    [InlineData(0u, 0xFFFFFFFFu)]
    public void StreamingWritersPlaceholderSizesMeanReadToTheEnd(uint dataSize, uint riffSize)
    {
        byte[] wav = new WavBuilder { RiffSize = riffSize }.Fmt(1, 1, 16000, 16).Data([0x00, 0x40, 0x00, 0xC0, 0x01], dataSize).Build();
        using var reader = WavSampleReader.Open(new TrickleStream(wav));
        Assert.Null(reader.Length);

        // The trailing odd byte is a partial frame: dropped, not an error.
        Assert.Equal([0.5f, -0.5f], Decode(wav, seekable: false));
    }

    [Fact]
    public void ZeroDataSizeWithARealRiffSizeIsEmptyAudio()
    {
        byte[] wav = new WavBuilder().Fmt(1, 1, 16000, 16).Data([]).Build();
        Assert.Empty(Decode(wav));
    }

    [Fact]
    public void PartialTrailingFrameOfADeclaredDataChunkIsDropped()
    {
        byte[] wav = new WavBuilder().Fmt(1, 2, 16000, 16).Data([0, 0x40, 0, 0x40, 0, 0x40]).Build();
        Assert.Equal([0.5f], Decode(wav));
    }

    [Fact]
    public void Rf64UsesTheSixtyFourBitDataSizeFromDs64()
    {
        var ds64 = new byte[28];
        BinaryPrimitives.WriteInt64LittleEndian(ds64.AsSpan(8), 4);
        byte[] wav = new WavBuilder { RiffId = "RF64", RiffSize = 0xFFFFFFFF }
            .Chunk("ds64", ds64)
            .Fmt(1, 1, 16000, 16)
            .Data([0, 0x40, 0, 0xC0, 0x11, 0x22], 0xFFFFFFFF)
            .Build();
        Assert.Equal([0.5f, -0.5f], Decode(wav));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DataChunkLongerThanTheFileIsRejectedAsTruncated(bool seekable)
    {
        byte[] wav = new WavBuilder().Fmt(1, 1, 16000, 16).Data(new byte[100], declaredSize: 1000).Build();
        var e = Rejects(wav, seekable);
        Assert.Contains("1000", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockAlignInconsistentWithChannelsAndBitsIsRejected()
    {
        byte[] wav = new WavBuilder().Fmt(1, 2, 16000, 16, blockAlign: 2).Data(new byte[8]).Build();
        Assert.Contains("block align is 2", Rejects(wav).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroChannelsIsRejected() =>
        Assert.Contains("0 channels", Rejects(new WavBuilder().Fmt(1, 0, 16000, 16, blockAlign: 0).Data(new byte[4]).Build()).Message, StringComparison.Ordinal);

    [Fact]
    public void ZeroSampleRateIsRejected() =>
        Assert.Contains("sample rate 0", Rejects(new WavBuilder().Fmt(1, 1, 0, 16).Data(new byte[4]).Build()).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(6, "A-law")]
    [InlineData(7, "mu-law")]
    [InlineData(2, "ADPCM")]
    [InlineData(0x1234, "0x1234")]
    public void UnsupportedFormatCodesAreRejectedByName(int code, string expected) =>
        Assert.Contains(expected, Rejects(new WavBuilder().Fmt(code, 1, 8000, 8).Data(new byte[4]).Build()).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 40)]
    [InlineData(3, 16)]
    [InlineData(3, 24)]
    public void UnsupportedBitDepthsAreRejected(int code, int bits) =>
        Rejects(new WavBuilder().Fmt(code, 1, 8000, bits, blockAlign: Math.Max(1, bits / 8)).Data(new byte[8]).Build());

    [Fact]
    public void MissingFmtChunkIsRejected()
    {
        Assert.Contains("before any 'fmt '", Rejects(new WavBuilder().Data(new byte[4]).Build()).Message, StringComparison.Ordinal);
        Assert.Contains("no 'fmt ' chunk", Rejects(new WavBuilder().Chunk("LIST", new byte[4]).Build()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDataChunkIsRejected() =>
        Assert.Contains("no 'data' chunk", Rejects(new WavBuilder().Fmt(1, 1, 8000, 16).Build()).Message, StringComparison.Ordinal);

    [Fact]
    public void FmtChunkShorterThanSixteenBytesIsRejected() =>
        Assert.Contains("at least 16", Rejects(new WavBuilder().Chunk("fmt ", new byte[14]).Data(new byte[2]).Build()).Message, StringComparison.Ordinal);

    [Fact]
    public void ChunkRunningPastTheEndIsRejected()
    {
        byte[] wav = new WavBuilder().Fmt(1, 1, 8000, 16).Chunk("LIST", new byte[4], declaredSize: 5000).Build();
        Assert.Contains("runs past the end", Rejects(wav, seekable: true).Message, StringComparison.Ordinal);
        Assert.Contains("runs past the end", Rejects(wav, seekable: false).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputsThatAreNotRiffWaveAreRejected()
    {
        Assert.Contains("fewer than 12", Rejects([]).Message, StringComparison.Ordinal);
        Assert.Contains("RIFF/WAVE", Rejects("RIFF\0\0\0\0AVI LIST"u8.ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("big-endian", Rejects(new WavBuilder { RiffId = "RIFX" }.Fmt(1, 1, 8000, 16).Build()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncationOfAValidFileDecodesOrFailsWithInputDecodeException()
    {
        byte[] wav = new WavBuilder().Chunk("LIST", new byte[5]).Fmt(0, 2, 16000, 24, extensibleSubFormat: 1).Data(new byte[60]).Build();
        for (int length = 0; length < wav.Length; length++)
        {
            foreach (bool seekable in new[] { true, false })
            {
                Assert.Throws<InputDecodeException>(() => Decode(wav[..length], seekable));
            }
        }
    }

    [Fact]
    public void RandomlyCorruptedHeadersNeverLeakLowLevelExceptions()
    {
        byte[] valid = new WavBuilder().Fmt(0, 2, 16000, 16, extensibleSubFormat: 1).Chunk("LIST", new byte[3]).Data(new byte[64]).Build();
        var random = new Random(1234);
        int decoded = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] wav = (byte[])valid.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                wav[random.Next(0, 80)] = (byte)random.Next(256);
            }

            try
            {
                Decode(wav, seekable: trial % 2 == 0);
                decoded++;
            }
            catch (InputDecodeException)
            {
            }
        }

        // Both outcomes must occur, or the corruption is not exercising the parser.
        Assert.InRange(decoded, 1, 2999);
    }

    [Fact]
    public void ChunkedReadsOfANonSeekableStreamEqualOneRead()
    {
        float[] tone = Signals.Tone(440, 44100, 5000, 0.5);
        var interleaved = new float[tone.Length * 2];
        for (int i = 0; i < tone.Length; i++)
        {
            interleaved[2 * i] = tone[i];
            interleaved[(2 * i) + 1] = -tone[i] / 2;
        }

        byte[] wav = WavBuilder.Float32(44100, 2, interleaved);
        float[] whole = Decode(wav, seekable: true, block: 1 << 20);
        Assert.Equal(5000, whole.Length);
        Assert.Equal(whole, Decode(wav, seekable: false, block: 13));
    }

    [Fact]
    public void VectorizedAndScalarPcmConversionAgreeBitForBit()
    {
        var random = new Random(7);
        var bytes = new byte[2 * 1001];
        random.NextBytes(bytes);
        var simd = new float[1001];
        var scalar = new float[1001];
        PcmDecoder.ToMono(bytes, WavSampleFormat.Int16, 1, simd, vectorized: true);
        PcmDecoder.ToMono(bytes, WavSampleFormat.Int16, 1, scalar, vectorized: false);
        Assert.Equal(scalar, simd);

        var floats = new byte[4 * 999];
        for (int i = 0; i < 999; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(4 * i), (float)((random.NextDouble() * 4) - 2));
        }

        PcmDecoder.ToMono(floats, WavSampleFormat.Float32, 1, simd, vectorized: true);
        PcmDecoder.ToMono(floats, WavSampleFormat.Float32, 1, scalar, vectorized: false);
        Assert.Equal(scalar.AsSpan(0, 999).ToArray(), simd.AsSpan(0, 999).ToArray());
    }
}
