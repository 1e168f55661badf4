using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk.Tests.Generation;

/// <summary>
/// The hand-built decoders of tools/reference/make_test_decoders.py (vocabulary 8, two layers) in every export
/// contract, and the outputs its brute-force reference computed for each strategy (expected.json).
/// </summary>
internal static class TinyDecoders
{
    public static readonly string[] Contracts = ["merged", "split", "embeds", "embeds_branch", "whisper_merged", "whisper_split"];

    private static readonly Lazy<JsonDocument> ExpectedDoc = new(() => JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixtures("Generation", "expected.json"))));

    public static JsonElement Expected => ExpectedDoc.Value.RootElement;

    public static JsonElement Case(string name) => Expected.GetProperty("cases").GetProperty(name);

    public static int VocabSize => Expected.GetProperty("vocabSize").GetInt32();

    public static OnnxDecoder Open(string contract)
    {
        var folder = ModelFolder.Open(RepoPaths.Fixtures("Generation", contract));
        return OnnxDecoder.Open(OnnxSessionFactory.Default, folder);
    }

    public static GenerationConfig Config(string contract)
    {
        var folder = ModelFolder.Open(RepoPaths.Fixtures("Generation", contract));
        return GenerationConfig.From(folder.TryGetJson("generation_config.json"), folder.Config);
    }

    public static float[] Matrix(string name) =>
        [.. Expected.GetProperty(name).EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetSingle())];

    /// <summary>Creates encoder hidden states [n, 3, 6] from the named encoders ("encoderA", "encoderB").</summary>
    public static OrtValue Encoder(params string[] names)
    {
        float[] data = [.. names.SelectMany(Matrix)];
        return OrtValue.CreateTensorValueFromMemory(data, [names.Length, data.Length / names.Length / 6, 6]);
    }

    /// <summary>
    /// Builds the request for a contract. Encoder-states contracts get the encoder output; the embeddings-input
    /// contract gets the encoder rows spliced in front of the prompt's embeddings, LLaVA style, which by the
    /// model's construction predicts exactly the same tokens.
    /// </summary>
    public static Request For(string contract, IReadOnlyList<int> prompt, params string[] encoders)
    {
        if (encoders.Length == 0)
        {
            encoders = ["encoderA"];
        }

        if (!contract.StartsWith("embeds", StringComparison.Ordinal))
        {
            var enc = Encoder(encoders);
            return new Request(new GenerationRequest { Prompts = [.. encoders.Select(_ => prompt)], EncoderHiddenStates = enc }, enc);
        }

        var table = Matrix("embeddings");
        var rows = new List<float>();
        foreach (var e in encoders)
        {
            rows.AddRange(Matrix(e));
            foreach (int t in prompt)
            {
                rows.AddRange(table.AsSpan(t * 6, 6).ToArray());
            }
        }

        int length = rows.Count / encoders.Length / 6;
        var embeds = OrtValue.CreateTensorValueFromMemory(rows.ToArray(), [encoders.Length, length, 6]);
        return new Request(new GenerationRequest { Prompts = [.. encoders.Select(_ => prompt)], PromptEmbeddings = embeds }, embeds);
    }

    public static int[] Prompt(JsonElement c) => [.. c.GetProperty("prompt").EnumerateArray().Select(e => e.GetInt32())];

    public static int[][] ExpectedTokens(JsonElement c) =>
        [.. c.GetProperty("sequences").EnumerateArray().Select(s => s.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray())];

    public static double[] ExpectedNumbers(JsonElement c, string property) =>
        [.. c.GetProperty("sequences").EnumerateArray().Select(s => s.GetProperty(property).GetDouble())];

    /// <summary>The settings a case was computed with.</summary>
    public static GenerationSettings Settings(JsonElement c)
    {
        double Num(string p, double d) => c.TryGetProperty(p, out var v) ? v.GetDouble() : d;
        return new GenerationSettings
        {
            MaxNewTokens = c.GetProperty("maxNewTokens").GetInt32(),
            EosTokenIds = [.. c.GetProperty("eos").EnumerateArray().Select(e => e.GetInt32())],
            PadTokenId = 7,
            RepetitionPenalty = (float)Num("repetitionPenalty", 1),
            NoRepeatNgramSize = (int)Num("noRepeatNgramSize", 0),
            NumBeams = (int)Num("numBeams", 1),
            LengthPenalty = (float)Num("lengthPenalty", 1),
            EarlyStopping = c.TryGetProperty("earlyStopping", out var es) && es.GetBoolean(),
            NumReturnSequences = (int)Num("numReturnSequences", 1),
        };
    }

    /// <summary>A request with the tensor it borrows, disposed together.</summary>
    public sealed class Request(GenerationRequest value, OrtValue tensor) : IDisposable
    {
        public GenerationRequest Value { get; } = value;

        public void Dispose() => tensor.Dispose();
    }
}
