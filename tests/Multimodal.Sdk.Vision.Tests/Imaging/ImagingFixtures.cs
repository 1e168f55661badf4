using System.Text.Json;

namespace Multimodal.Sdk.Vision.Tests.Imaging;

/// <summary>Reads tests/fixtures/Imaging/manifest.json, written by tools/reference/images.py (Pillow + numpy).</summary>
internal static class ImagingFixtures
{
    private static readonly Lazy<JsonDocument> Manifest = new(() => JsonDocument.Parse(File.ReadAllBytes(Path("manifest.json"))));

    public static string Path(string name) => RepoPaths.Fixtures("Imaging", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    public static float[] Floats(string name)
    {
        var bytes = Bytes(name);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Fixtures are little-endian float32.");
        }

        return values;
    }

    public static IEnumerable<JsonElement> Section(string name) => Manifest.Value.RootElement.GetProperty(name).EnumerateArray();

    public static JsonElement Find(string section, string key, string value) =>
        Section(section).Single(e => e.GetProperty(key).GetString() == value);
}
