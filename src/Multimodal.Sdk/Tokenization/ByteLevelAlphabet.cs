using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// GPT-2's reversible map between the 256 byte values and printable characters: byte-level BPE vocabularies
/// are written in these characters, so every UTF-8 byte sequence has a spelling and nothing is ever unknown.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = BuildCharToByte();

    /// <summary>Gets the character that spells byte <paramref name="b"/>.</summary>
    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>Spells the UTF-8 bytes of <paramref name="text"/> in the byte-level alphabet.</summary>
    public static string Encode(ReadOnlySpan<char> text)
    {
        // One allocation per piece (the result): the UTF-8 bytes and the spelling go through stack or pooled buffers.
        int byteCount = Encoding.UTF8.GetByteCount(text);
        byte[]? rentedBytes = null;
        char[]? rentedChars = null;
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : (rentedBytes = System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount));
        Span<char> chars = byteCount <= 512 ? stackalloc char[byteCount] : (rentedChars = System.Buffers.ArrayPool<char>.Shared.Rent(byteCount));
        try
        {
            int written = Encoding.UTF8.GetBytes(text, bytes);
            for (int i = 0; i < written; i++)
            {
                chars[i] = ByteToChar[bytes[i]];
            }

            return new string(chars[..written]);
        }
        finally
        {
            if (rentedBytes is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedChars is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rentedChars);
            }
        }
    }

    /// <summary>Gets the byte a character spells, or <see langword="false"/> when it is not in the alphabet.</summary>
    public static bool TryDecode(char c, out byte b) => CharToByte.TryGetValue(c, out b);

    private static char[] BuildByteToChar()
    {
        // Printable Latin-1 bytes keep their own character; the rest are shifted past 255 in byte order.
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }

    private static Dictionary<char, byte> BuildCharToByte()
    {
        var map = new Dictionary<char, byte>(256);
        for (int b = 0; b < 256; b++)
        {
            map[ByteToChar[b]] = (byte)b;
        }

        return map;
    }
}
