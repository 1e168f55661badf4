namespace Multimodal.Sdk;

/// <summary>Audio containers recognised by their first bytes; all but <see cref="Wav"/> are decoded by ffmpeg.</summary>
internal enum AudioContainer
{
    /// <summary>Not recognised.</summary>
    Unknown,

    /// <summary>RIFF/WAVE or RF64, decoded in-process.</summary>
    Wav,

    /// <summary>MPEG audio (layer I-III), with or without an ID3 tag.</summary>
    Mp3,

    /// <summary>Raw AAC in ADTS frames.</summary>
    Aac,

    /// <summary>Ogg (Vorbis, Opus, FLAC in Ogg).</summary>
    Ogg,

    /// <summary>Native FLAC.</summary>
    Flac,

    /// <summary>ISO base media: MP4, M4A, MOV, 3GP.</summary>
    Mp4,

    /// <summary>Matroska or WebM.</summary>
    Matroska,

    /// <summary>AIFF or AIFF-C.</summary>
    Aiff,

    /// <summary>AMR narrow- or wide-band.</summary>
    Amr,

    /// <summary>Core Audio Format.</summary>
    Caf,

    /// <summary>ASF: WMA, WMV.</summary>
    Asf,

    /// <summary>RIFF AVI.</summary>
    Avi,
}

/// <summary>Detects an <see cref="AudioContainer"/> from magic bytes.</summary>
/// <remarks>Stateless; safe for concurrent use.</remarks>
internal static class AudioContainerSniffer
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at.</summary>
    public const int HeaderBytes = 12;

    /// <summary>Names the container that <paramref name="head"/> (the first bytes of the input) starts.</summary>
    public static AudioContainer Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && (head.StartsWith("RIFF"u8) || head.StartsWith("RF64"u8) || head.StartsWith("RIFX"u8)))
        {
            return head[8..12].SequenceEqual("WAVE"u8) ? AudioContainer.Wav
                : head[8..12].SequenceEqual("AVI "u8) ? AudioContainer.Avi
                : AudioContainer.Unknown;
        }

        if (head.Length >= 12 && head.StartsWith("FORM"u8) && (head[8..12].SequenceEqual("AIFF"u8) || head[8..12].SequenceEqual("AIFC"u8)))
        {
            return AudioContainer.Aiff;
        }

        if (head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return AudioContainer.Mp4;
        }

        if (head.StartsWith("ID3"u8))
        {
            return AudioContainer.Mp3;
        }

        if (head.StartsWith("OggS"u8))
        {
            return AudioContainer.Ogg;
        }

        if (head.StartsWith("fLaC"u8))
        {
            return AudioContainer.Flac;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return AudioContainer.Matroska;
        }

        if (head.StartsWith("#!AMR"u8))
        {
            return AudioContainer.Amr;
        }

        if (head.StartsWith("caff"u8))
        {
            return AudioContainer.Caf;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x30, 0x26, 0xB2, 0x75]))
        {
            return AudioContainer.Asf;
        }

        // MPEG audio frame sync: 11 set bits. Layer bits 00 mean AAC in ADTS; anything else is MPEG layer I-III.
        if (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0)
        {
            int layer = (head[1] >> 1) & 3;
            bool mpeg25OrValid = ((head[1] >> 3) & 3) != 1;
            if (layer == 0 && (head[1] & 0xF0) == 0xF0)
            {
                return AudioContainer.Aac;
            }

            if (layer != 0 && mpeg25OrValid)
            {
                return AudioContainer.Mp3;
            }
        }

        return AudioContainer.Unknown;
    }
}
