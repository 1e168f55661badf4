namespace Multimodal.Sdk;

/// <summary>The playground page, embedded in the assembly so the package serves it with no static-files setup.</summary>
internal static class Playground
{
    private static readonly Lazy<byte[]> Bytes = new(() =>
    {
        using var stream = typeof(Playground).Assembly.GetManifestResourceStream("Multimodal.Sdk.Server.Playground.index.html")
            ?? throw new InvalidOperationException("The playground page is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static byte[] Page => Bytes.Value;
}
