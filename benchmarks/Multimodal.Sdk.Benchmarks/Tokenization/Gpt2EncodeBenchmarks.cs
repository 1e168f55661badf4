using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;
using Multimodal.Sdk.Tests.Tokenization;

namespace Multimodal.Sdk.Benchmarks.Tokenization;

/// <summary>
/// GPT-2 encoding of a 4 KB mixed text: our tokenizer.json pipeline against Microsoft.ML.Tokenizers' GPT-2 tokenizer
/// (baseline). Setup also writes the generated tokenizer.json to <see cref="JsonPath"/> so
/// tools/reference/tokenization/bench.mjs can time tokenizers.js on the very same file and text.
/// </summary>
[MemoryDiagnoser]
public class Gpt2EncodeBenchmarks
{
    public static readonly string JsonPath = Path.Combine(Path.GetTempPath(), "multimodal-sdk-gpt2-tokenizer.json");

    public const string Paragraph =
        "The quick brown fox jumps over the lazy dog while 12 curious onlookers watch from the café terrace. " +
        "Tokenizers split text into pieces; byte-level BPE never meets an unknown character, whether it's English, " +
        "Français, Deutsch, 日本語, 中文 or emoji 😀👍. In 2024, models with 1,000,000 parameters ran in browsers!\n\n";

    private static readonly string Text = string.Concat(Enumerable.Repeat(Paragraph, 12));

    private TiktokenTokenizer _microsoft = null!;
    private Tokenizer _ours = null!;

    [GlobalSetup]
    public void Setup()
    {
        _microsoft = Gpt2TokenizerJson.MicrosoftGpt2;
        File.WriteAllText(JsonPath, Gpt2TokenizerJson.Gpt2Json);
        _ours = Tokenizer.FromJson(Gpt2TokenizerJson.Gpt2Json);
        if (!_ours.Encode(Text).SequenceEqual(_microsoft.EncodeToIds(Text)))
        {
            throw new InvalidOperationException("The tokenizers disagree on the benchmark text.");
        }
    }

    [Benchmark(Baseline = true)]
    public int MicrosoftMlTokenizers() => _microsoft.EncodeToIds(Text).Count;

    [Benchmark]
    public int MultimodalSdk() => _ours.Encode(Text).Length;
}

/// <summary>The GPT-2 pre-tokenization split: .NET's Regex (baseline) against the hand-written code-point scanner.</summary>
[MemoryDiagnoser]
public partial class Gpt2SplitBenchmarks
{
    private static readonly string Text = string.Concat(Enumerable.Repeat(Gpt2EncodeBenchmarks.Paragraph, 12));
    private readonly List<string> _pieces = new(4096);

    [Benchmark(Baseline = true)]
    public int Regex()
    {
        int n = 0;
        foreach (var m in Gpt2Regex().EnumerateMatches(Text))
        {
            n += m.Length > 0 ? 1 : 0;
        }

        return n;
    }

    [Benchmark]
    public int Scanner()
    {
        _pieces.Clear();
        Gpt2Splitter.Split(Text, _pieces);
        return _pieces.Count;
    }

    [GeneratedRegex(Gpt2Splitter.Pattern)]
    private static partial Regex Gpt2Regex();
}
