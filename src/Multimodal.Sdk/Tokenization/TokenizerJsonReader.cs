using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>
/// Builds the pipeline components from tokenizer.json sections. Every unknown <c>type</c> or malformed field is a
/// <see cref="FormatException"/> whose message names the section and the type; <see cref="Tokenizer"/> wraps it
/// with the folder and file.
/// </summary>
internal static class TokenizerJsonReader
{
    public static INormalizer? ReadNormalizer(JsonElement e)
    {
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        string type = TypeOf(e, "normalizer");
        return type switch
        {
            "NFC" => new UnicodeNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeNormalizer(NormalizationForm.FormKD),
            "Lowercase" => new LowercaseNormalizer(),
            "Strip" => new StripNormalizer(Bool(e, "strip_left", true), Bool(e, "strip_right", true)),
            "StripAccents" => new StripAccentsNormalizer(),
            "Replace" => ReadReplace(e),
            "Prepend" => new PrependNormalizer(Str(e, "prepend") ?? throw Missing("normalizer Prepend", "prepend")),
            "ByteLevel" => new ByteLevelNormalizer(),
            "BertNormalizer" => ReadBertNormalizer(e),
            "Sequence" => new SequenceNormalizer(Items(e, "normalizers", "normalizer Sequence").Select(ReadNormalizer).OfType<INormalizer>().ToList()),
            _ => throw Unsupported("normalizer", type, "NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, ByteLevel, BertNormalizer, Sequence"),
        };
    }

    public static IPreTokenizer? ReadPreTokenizer(JsonElement e)
    {
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        string type = TypeOf(e, "pre_tokenizer");
        return type switch
        {
            "ByteLevel" => new ByteLevelPreTokenizer(Bool(e, "add_prefix_space", true), Bool(e, "use_regex", true)),
            "Split" => new SplitPreTokenizer(ReadPattern(e, "pre_tokenizer Split"), ReadBehavior(e, SplitBehavior.Isolated), Bool(e, "invert", false)),
            "Whitespace" => new WhitespacePreTokenizer(),
            "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
            "BertPreTokenizer" => new BertPreTokenizer(),
            "Punctuation" => new PunctuationPreTokenizer(ReadBehavior(e, SplitBehavior.Isolated)),
            "Digits" => new DigitsPreTokenizer(Bool(e, "individual_digits", false)),
            "CharDelimiterSplit" => new CharDelimiterPreTokenizer(SingleRune(e, "delimiter", "pre_tokenizer CharDelimiterSplit")),
            "Metaspace" => new MetaspacePreTokenizer(Str(e, "replacement") ?? "\u2581", ReadPrependScheme(e), Bool(e, "split", true)),
            "Sequence" => new SequencePreTokenizer(Items(e, "pretokenizers", "pre_tokenizer Sequence").Select(ReadPreTokenizer).OfType<IPreTokenizer>().ToList()),
            _ => throw Unsupported("pre_tokenizer", type, "ByteLevel, Split, Whitespace, WhitespaceSplit, BertPreTokenizer, Punctuation, Digits, CharDelimiterSplit, Metaspace, Sequence"),
        };
    }

    public static IPostProcessor? ReadPostProcessor(JsonElement e)
    {
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        string type = TypeOf(e, "post_processor");
        return type switch
        {
            "TemplateProcessing" => ReadTemplate(e),
            "BertProcessing" => new ClsSepProcessor(TokenPair(e, "cls", type), TokenPair(e, "sep", type), doubleSeparator: false),
            "RobertaProcessing" => new ClsSepProcessor(TokenPair(e, "cls", type), TokenPair(e, "sep", type), doubleSeparator: true),
            "ByteLevel" => new IdentityProcessor(),
            "Sequence" => new SequenceProcessor(Items(e, "processors", "post_processor Sequence").Select(ReadPostProcessor).OfType<IPostProcessor>().ToList()),
            _ => throw Unsupported("post_processor", type, "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence"),
        };
    }

    public static ITokenDecoder? ReadDecoder(JsonElement e)
    {
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        string type = TypeOf(e, "decoder");
        return type switch
        {
            "ByteLevel" => new ByteLevelDecoder(),
            "WordPiece" => new WordPieceDecoder(Str(e, "prefix") ?? "##", Bool(e, "cleanup", true)),
            "BPEDecoder" => new BpeDecoder(Str(e, "suffix") ?? "</w>"),
            "Metaspace" => new MetaspaceDecoder(Str(e, "replacement") ?? "\u2581", ReadPrependScheme(e)),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder(Str(e, "content") ?? " ", Int(e, "start", 0), Int(e, "stop", 0)),
            "Replace" => new ReplaceDecoder(ReadReplace(e)),
            "Sequence" => new SequenceDecoder(Items(e, "decoders", "decoder Sequence").Select(ReadDecoder).OfType<ITokenDecoder>().ToList()),
            _ => throw Unsupported("decoder", type, "ByteLevel, WordPiece, BPEDecoder, Metaspace, ByteFallback, Fuse, Strip, Replace, Sequence"),
        };
    }

    public static ITokenizerModel ReadModel(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("'model' must be an object");
        }

        // Old files leave out the type; the reference then tells the models apart by their fields.
        string type = e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
            : e.TryGetProperty("merges", out _) ? "BPE"
            : e.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Array ? "Unigram"
            : e.TryGetProperty("continuing_subword_prefix", out _) ? "WordPiece"
            : "WordLevel";
        return type switch
        {
            "BPE" => ReadBpe(e),
            "WordPiece" => new WordPieceModel(ReadVocab(e), Str(e, "unk_token") ?? "[UNK]", Str(e, "continuing_subword_prefix") ?? "##", Int(e, "max_input_chars_per_word", 100)),
            "WordLevel" => new WordLevelModel(ReadVocab(e), Str(e, "unk_token") ?? "<unk>"),
            "Unigram" => UnigramModel.Read(e),
            _ => throw Unsupported("model", type, "BPE, WordPiece, WordLevel, Unigram"),
        };
    }

    public static List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var list = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var arr) || arr.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        if (arr.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("'added_tokens' must be an array");
        }

        foreach (var item in arr.EnumerateArray())
        {
            int id = item.TryGetProperty("id", out var idElement) && idElement.TryGetInt32(out int parsed) && parsed >= 0
                ? parsed
                : throw new FormatException("an entry of 'added_tokens' has no non-negative integer 'id'");
            string content = Str(item, "content") ?? throw new FormatException($"added token {id} has no 'content'");
            bool special = Bool(item, "special", false);
            list.Add(new AddedToken(id, content, special, Bool(item, "single_word", false), Bool(item, "lstrip", false), Bool(item, "rstrip", false), Bool(item, "normalized", !special)));
        }

        return list;
    }

    private static ITokenizerModel ReadBpe(JsonElement e)
    {
        var vocab = ReadVocab(e);
        var merges = new List<(string, string)>();
        if (e.TryGetProperty("merges", out var m) && m.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in m.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    // "a b": exactly one space separates the two parts, as in merges.txt.
                    string line = item.GetString()!;
                    int space = line.IndexOf(' ', StringComparison.Ordinal);
                    if (space <= 0 || line.IndexOf(' ', space + 1) >= 0)
                    {
                        throw new FormatException($"merge '{line}' is not two tokens separated by one space");
                    }

                    merges.Add((line[..space], line[(space + 1)..]));
                }
                else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2
                    && item[0].ValueKind == JsonValueKind.String && item[1].ValueKind == JsonValueKind.String)
                {
                    merges.Add((item[0].GetString()!, item[1].GetString()!));
                }
                else
                {
                    throw new FormatException($"a merge must be \"a b\" or [\"a\", \"b\"] but is {item.GetRawText()}");
                }
            }
        }

        return new BpeModel(vocab, merges, new BpeOptions
        {
            UnknownToken = Str(e, "unk_token"),
            ContinuingSubwordPrefix = NullIfEmpty(Str(e, "continuing_subword_prefix")),
            EndOfWordSuffix = NullIfEmpty(Str(e, "end_of_word_suffix")),
            FuseUnknown = Bool(e, "fuse_unk", false),
            ByteFallback = Bool(e, "byte_fallback", false),
            IgnoreMerges = Bool(e, "ignore_merges", false),
        });
    }

    private static Vocabulary ReadVocab(JsonElement e)
    {
        if (!e.TryGetProperty("vocab", out var v) || v.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("'model.vocab' must be an object of token to id");
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out int id) || id < 0)
            {
                throw new FormatException($"vocabulary entry '{p.Name}' must have a non-negative integer id");
            }

            ids[p.Name] = id;
        }

        return new Vocabulary(ids);
    }

    private static INormalizer ReadBertNormalizer(JsonElement e)
    {
        bool lowercase = Bool(e, "lowercase", true);
        bool stripAccents = e.TryGetProperty("strip_accents", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? s.GetBoolean()
            : lowercase; // null means "as lowercase", as in BERT's original code
        return new BertNormalizer(Bool(e, "clean_text", true), Bool(e, "handle_chinese_chars", true), stripAccents, lowercase);
    }

    private static ReplaceNormalizer ReadReplace(JsonElement e)
    {
        string content = Str(e, "content") ?? string.Empty;
        if (!e.TryGetProperty("pattern", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            throw Missing("Replace", "pattern");
        }

        if (p.TryGetProperty("String", out var lit) && lit.ValueKind == JsonValueKind.String)
        {
            return new ReplaceNormalizer(null, lit.GetString(), content);
        }

        if (p.TryGetProperty("Regex", out var rx) && rx.ValueKind == JsonValueKind.String)
        {
            return new ReplaceNormalizer(CompileRegex(rx.GetString()!), null, content);
        }

        throw new FormatException("Replace 'pattern' must be {\"String\": ...} or {\"Regex\": ...}");
    }

    private static SplitPattern ReadPattern(JsonElement e, string where)
    {
        if (!e.TryGetProperty("pattern", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            throw Missing(where, "pattern");
        }

        if (p.TryGetProperty("String", out var lit) && lit.ValueKind == JsonValueKind.String)
        {
            return new LiteralSplitPattern(lit.GetString()!);
        }

        if (p.TryGetProperty("Regex", out var rx) && rx.ValueKind == JsonValueKind.String)
        {
            string pattern = rx.GetString()!;
            return pattern == Gpt2Splitter.Pattern ? new Gpt2SplitPattern() : new RegexSplitPattern(CompileRegex(pattern));
        }

        throw new FormatException($"{where} 'pattern' must be {{\"String\": ...}} or {{\"Regex\": ...}}");
    }

    private static CodePointRegex CompileRegex(string pattern)
    {
        try
        {
            // Compiled once per tokenizer at load; the reference patterns use Oniguruma syntax that .NET shares
            // (\p{L}, \p{N}, lookahead, (?i:...)).
            return new CodePointRegex(new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant));
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"the regex '{pattern}' is not supported by .NET: {ex.Message}", ex);
        }
    }

    private static SplitBehavior ReadBehavior(JsonElement e, SplitBehavior fallback)
    {
        string? b = Str(e, "behavior");
        return b switch
        {
            null => fallback,
            "Removed" => SplitBehavior.Removed,
            "Isolated" => SplitBehavior.Isolated,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            _ => throw new FormatException($"split behavior '{b}' is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous"),
        };
    }

    private static PrependScheme ReadPrependScheme(JsonElement e)
    {
        string? scheme = Str(e, "prepend_scheme");
        return scheme switch
        {
            "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            null => Bool(e, "add_prefix_space", true) ? PrependScheme.Always : PrependScheme.Never,
            _ => throw new FormatException($"Metaspace prepend_scheme '{scheme}' is not one of always, first, never"),
        };
    }

    private static TemplateProcessor ReadTemplate(JsonElement e)
    {
        var special = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (e.TryGetProperty("special_tokens", out var st) && st.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in st.EnumerateObject())
            {
                if (!p.Value.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"TemplateProcessing special token '{p.Name}' has no 'ids'");
                }

                special[p.Name] = ids.EnumerateArray().Select(i => i.GetInt32()).ToArray();
            }
        }

        List<TemplatePiece> Read(string name)
        {
            var pieces = new List<TemplatePiece>();
            if (!e.TryGetProperty(name, out var arr) || arr.ValueKind != JsonValueKind.Array)
            {
                return pieces;
            }

            foreach (var item in arr.EnumerateArray())
            {
                if (item.TryGetProperty("SpecialToken", out var s))
                {
                    string id = Str(s, "id") ?? throw new FormatException($"TemplateProcessing '{name}' has a SpecialToken without 'id'");
                    pieces.Add(new TemplatePiece(special.TryGetValue(id, out var ids) ? ids : throw new FormatException($"TemplateProcessing uses '{id}', which is not in its special_tokens"), false));
                }
                else if (item.TryGetProperty("Sequence", out var q))
                {
                    pieces.Add(new TemplatePiece(null, Str(q, "id") == "B"));
                }
                else
                {
                    throw new FormatException($"TemplateProcessing '{name}' item {item.GetRawText()} is neither SpecialToken nor Sequence");
                }
            }

            return pieces;
        }

        return new TemplateProcessor(Read("single"), Read("pair"));
    }

    private static int TokenPair(JsonElement e, string name, string type)
    {
        // ["[CLS]", 101]
        if (e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array && p.GetArrayLength() == 2 && p[1].TryGetInt32(out int id))
        {
            return id;
        }

        throw new FormatException($"post_processor {type} needs '{name}' as [token, id]");
    }

    private static string TypeOf(JsonElement e, string section)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"a {section} must be an object with a string 'type'");
        }

        return t.GetString()!;
    }

    private static IEnumerable<JsonElement> Items(JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var arr) || arr.ValueKind != JsonValueKind.Array)
        {
            throw Missing(where, name);
        }

        return arr.EnumerateArray().ToList();
    }

    internal static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static bool Bool(JsonElement e, string name, bool fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    internal static int Int(JsonElement e, string name, int fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : fallback;

    private static Rune SingleRune(JsonElement e, string name, string where)
    {
        string s = Str(e, name) ?? throw Missing(where, name);
        return Rune.DecodeFromUtf16(s, out var r, out int used) == System.Buffers.OperationStatus.Done && used == s.Length
            ? r
            : throw new FormatException($"{where} '{name}' must be one character");
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static FormatException Missing(string where, string field) => new($"{where} has no '{field}'");

    private static FormatException Unsupported(string section, string type, string supported) =>
        new($"{section} type '{type}' is not supported (supported: {supported})");
}
