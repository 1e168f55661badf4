namespace Multimodal.Sdk;

/// <summary>A valid 32x32 black PNG: the warm-up's image where a pipeline takes encoded bytes only (chat).</summary>
internal static class Png
{
    public static readonly byte[] Black32 = [137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 32, 0, 0, 0, 32, 8, 2, 0, 0, 0, 252, 24, 237, 163, 0, 0, 0, 25, 73, 68, 65, 84, 120, 218, 237, 193, 49, 1, 0, 0, 0, 194, 160, 245, 79, 237, 97, 13, 160, 0, 0, 0, 110, 12, 32, 0, 1, 33, 50, 205, 236, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130];
}
