using System.Security.Cryptography;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// The content hash records carry: lowercase hex SHA-256 of one modality byte (0 image, 1 text, 2 audio) followed by
/// the content (a file's or stream's bytes; a text's UTF-8; decoded audio's sample rate and float samples). The same
/// content added twice gets the same hash, so the retriever does not embed or store it again.
/// </summary>
/// <remarks>Stateless and safe for concurrent use.</remarks>
public static class RetrievalContentHash
{
    /// <summary>Hashes content bytes of a modality.</summary>
    /// <param name="modality">The modality, part of the hash (a text and an image with equal bytes differ).</param>
    /// <param name="content">The bytes.</param>
    /// <returns>64 lowercase hex digits.</returns>
    public static string Compute(RetrievalModality modality, ReadOnlySpan<byte> content)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData([(byte)modality]);
        sha.AppendData(content);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Hashes a text (its UTF-8 bytes, exactly as given).</summary>
    /// <param name="text">The text.</param>
    /// <returns>64 lowercase hex digits.</returns>
    public static string ForText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Compute(RetrievalModality.Text, Encoding.UTF8.GetBytes(text));
    }
}
