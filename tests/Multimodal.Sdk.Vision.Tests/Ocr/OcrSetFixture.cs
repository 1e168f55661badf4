namespace Multimodal.Sdk.Vision.Tests.Ocr;

/// <summary>
/// Reads the rendered set once per test class: with the model folder's settings (accuracy) and with
/// @gutenye/ocr-node's settings (<c>ocr_config.ocr-node.json</c>, parity with the reference's committed output).
/// </summary>
public sealed class OcrSetFixture : IDisposable
{
    private readonly Lazy<IReadOnlyDictionary<string, TextReadResult>> _results;
    private readonly Lazy<IReadOnlyDictionary<string, TextReadResult>> _ocrNodeResults;

    public OcrSetFixture()
    {
        _results = new(() => ReadAll(OcrConfig.FileName));
        _ocrNodeResults = new(() => ReadAll("ocr_config.ocr-node.json"));
    }

    public IReadOnlyDictionary<string, TextReadResult> Results => _results.Value;

    public IReadOnlyDictionary<string, TextReadResult> OcrNodeResults => _ocrNodeResults.Value;

    public void Dispose()
    {
    }

    private static Dictionary<string, TextReadResult> ReadAll(string config)
    {
        using var reader = new OcrReader(OnnxSessionFactory.Default, OcrTestData.Model, config);
        return OcrTestData.Images.ToDictionary(i => i.File, i => reader.ReadAsync(ImageData.FromFile(i.FullPath)).GetAwaiter().GetResult());
    }
}
