using System.Buffers.Binary;
using System.Text;

namespace Multimodal.Sdk.Fuzz.Tests;

/// <summary>Seeded byte and JSON mutations: bit flips, truncation, splices, garbage, and header fields that lie.</summary>
internal sealed class Mutator(int seed)
{
    public Random Random { get; } = new(seed);

    public byte[] Mutate(byte[] seedBytes, Func<byte[], Random, byte[]?>? headerLie = null)
    {
        var r = Random;
        byte[] b = [.. seedBytes];
        switch (r.Next(8))
        {
            case 0:
                for (int i = 0, n = r.Next(1, 9); i < n && b.Length > 0; i++)
                {
                    b[r.Next(b.Length)] ^= (byte)(1 << r.Next(8));
                }

                return b;
            case 1:
                return b[..r.Next(b.Length)];
            case 2:
                return headerLie?.Invoke(b, r) ?? Flip(b, r, 32);
            case 3:
                var garbage = new byte[r.Next(0, 512)];
                r.NextBytes(garbage);
                return r.Next(2) == 0 ? garbage : [.. b.AsSpan(0, Math.Min(b.Length, 16)), .. garbage];
            case 4:
                int at = r.Next(b.Length + 1);
                var insert = new byte[r.Next(1, 64)];
                r.NextBytes(insert);
                return [.. b.AsSpan(0, at), .. insert, .. b.AsSpan(at)];
            case 5:
                // A run of bytes set to an extreme value (0x00 or 0xFF): lengths and counts become 0 or huge.
                int start = r.Next(Math.Max(1, b.Length));
                b.AsSpan(start, Math.Min(b.Length - start, r.Next(1, 8))).Fill(r.Next(2) == 0 ? (byte)0 : (byte)0xFF);
                return b;
            case 6:
                return Flip(b, r, Math.Min(b.Length, 64));
            default:
                return headerLie?.Invoke(b, r) ?? b[..Math.Max(0, b.Length - r.Next(1, 32))];
        }
    }

    private static byte[] Flip(byte[] b, Random r, int within)
    {
        for (int i = 0, n = r.Next(1, 5); i < n && within > 0; i++)
        {
            b[r.Next(Math.Min(within, b.Length))] ^= (byte)r.Next(1, 256);
        }

        return b;
    }

    /// <summary>Replaces values in a JSON text: type swaps, nulls, huge or negative numbers, deleted keys, truncation.</summary>
    public string MutateJson(string json)
    {
        var r = Random;
        string[] replacements = ["null", "0", "-1", "100000", "2147483648", "1e309", "\"x\"", "[]", "{}", "true", "[null]", "[[1]]", "-0.5", "NaN"];
        var sb = new StringBuilder(json);
        switch (r.Next(5))
        {
            case 0:
                return json[..r.Next(json.Length + 1)];
            case 1:
            case 2:
                // Replace one scalar value (after a colon or in an array) with another kind.
                var positions = Enumerable.Range(0, json.Length).Where(i => json[i] is ':' or '[' or ',').ToList();
                if (positions.Count == 0)
                {
                    return replacements[r.Next(replacements.Length)];
                }

                int p = positions[r.Next(positions.Count)] + 1;
                int end = p;
                int depth = 0;
                while (end < json.Length && (depth > 0 || json[end] is not (',' or '}' or ']')))
                {
                    depth += json[end] is '[' or '{' ? 1 : json[end] is ']' or '}' ? -1 : 0;
                    end++;
                }

                return json[..p] + replacements[r.Next(replacements.Length)] + json[end..];
            case 3:
                return replacements[r.Next(replacements.Length)];
            default:
                return Encoding.UTF8.GetString(Mutate(Encoding.UTF8.GetBytes(json)));
        }
    }

    public static void WriteInt32(byte[] b, int at, int value, bool bigEndian)
    {
        if (at + 4 > b.Length)
        {
            return;
        }

        if (bigEndian)
        {
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), value);
        }
    }

    public static void WriteUInt16(byte[] b, int at, ushort value, bool bigEndian)
    {
        if (at + 2 > b.Length)
        {
            return;
        }

        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), value);
        }
    }
}
