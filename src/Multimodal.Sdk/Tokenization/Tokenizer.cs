using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>
/// A Hugging Face tokenizer loaded from <c>tokenizer.json</c> (with <c>tokenizer_config.json</c>): added tokens are
/// split out of the raw text, the rest is normalized, pre-tokenized and tokenized by the model (BPE, WordPiece,
/// WordLevel, Unigram), then the post-processor adds the special tokens; decoding runs the decoder chain. Ids match
/// huggingface/tokenizers for every component type it accepts; others are refused at load.
/// </summary>
/// <remarks>Immutable after load and safe for concurrent use; the per-word caches are concurrent.</remarks>
internal sealed class Tokenizer
{
    private const string FileName = "tokenizer.json";

    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly ITokenizerModel _model;
    private readonly IPostProcessor? _postProcessor;
    private readonly ITokenDecoder? _decoder;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly Dictionary<int, AddedToken> _addedById = [];
    private readonly Dictionary<string, AddedToken> _addedByContent = new(StringComparer.Ordinal);
    private readonly string? _endOfWordSuffixToStrip;

    private Tokenizer(JsonElement root, TokenizerConfig config, int? padIdFromJson, PaddingSide side)
    {
        Config = config;
        PaddingSide = side;
        _normalizer = TokenizerJsonReader.ReadNormalizer(Section(root, "normalizer"));
        _preTokenizer = TokenizerJsonReader.ReadPreTokenizer(Section(root, "pre_tokenizer"));
        _model = TokenizerJsonReader.ReadModel(Section(root, "model"));
        _postProcessor = TokenizerJsonReader.ReadPostProcessor(Section(root, "post_processor"));
        _decoder = TokenizerJsonReader.ReadDecoder(Section(root, "decoder"));

        var added = TokenizerJsonReader.ReadAddedTokens(root);
        foreach (var token in added)
        {
            _addedById[token.Id] = token;
            _addedByContent.TryAdd(token.Content, token);
        }

        AddedTokens = added;
        _rawMatcher = new AddedTokenMatcher(added.Where(t => !t.Normalized).Select(t => (t.Content, t)));

        // Normalized added tokens are looked for in normalized text, so their pattern is normalized the same way.
        _normalizedMatcher = new AddedTokenMatcher(added.Where(t => t.Normalized).Select(t => (_normalizer?.Normalize(t.Content) ?? t.Content, t)));

        // CLIP's fast tokenizer decodes with ByteLevel and then turns its "</w>" into spaces (transformers does the same).
        if (_model is BpeModel && Section(Section(root, "model"), "end_of_word_suffix") is { ValueKind: JsonValueKind.String } suffix
            && suffix.GetString() is { Length: > 0 } s && _decoder is ByteLevelDecoder)
        {
            _endOfWordSuffixToStrip = s;
        }

        VocabSize = Math.Max(_model.VocabSize, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
        BosTokenId = IdOf(config.BosToken);
        EosTokenId = IdOf(config.EosToken);
        UnkTokenId = IdOf(config.UnkToken);
        PadTokenId = IdOf(config.PadToken) ?? padIdFromJson;
    }

    /// <summary>Gets the settings read from <c>tokenizer_config.json</c> (defaults when the folder has none).</summary>
    public TokenizerConfig Config { get; }

    /// <summary>Gets one more than the highest id of the vocabulary and the added tokens.</summary>
    public int VocabSize { get; }

    /// <summary>Gets the added tokens in file order (special tokens, Whisper's language, task and timestamp tokens).</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    public int? BosTokenId { get; }

    public int? EosTokenId { get; }

    public int? PadTokenId { get; }

    public int? UnkTokenId { get; }

    /// <summary>Gets which side <see cref="EncodeBatch"/> pads (tokenizer_config's <c>padding_side</c>).</summary>
    public PaddingSide PaddingSide { get; }

    /// <summary>Loads <c>tokenizer.json</c> and, when present, <c>tokenizer_config.json</c> from a model folder.</summary>
    /// <exception cref="ModelNotFoundException">The folder has no tokenizer.json.</exception>
    /// <exception cref="ModelIncompatibleException">tokenizer.json is not valid JSON, is malformed, or uses a component type that is not supported; the message names the file and the type.</exception>
    public static Tokenizer Load(ModelFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder.Path, FileName);
        if (!File.Exists(path))
        {
            throw new ModelNotFoundException(folder.Path, FileName, $"Model folder '{folder.Path}' has no '{FileName}'; the tokenizer needs it (Hugging Face tokenizers format).");
        }

        var configJson = folder.TryGetJson("tokenizer_config.json");
        var config = TokenizerConfig.From(configJson);
        var side = configJson?.TryGetString("padding_side") == "left" ? PaddingSide.Left : PaddingSide.Right;
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
            return Create(doc.RootElement, config, folder.Path, side);
        }
        catch (JsonException ex)
        {
            throw new ModelIncompatibleException(folder.Path, FileName, $"'{FileName}' in model folder '{folder.Path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Builds a tokenizer from tokenizer.json text (tests, generated tokenizers).</summary>
    /// <exception cref="ModelIncompatibleException">The JSON is malformed or uses an unsupported component.</exception>
    public static Tokenizer FromJson(string tokenizerJson, TokenizerConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        try
        {
            using var doc = JsonDocument.Parse(tokenizerJson);
            return Create(doc.RootElement, config ?? new TokenizerConfig(), "(memory)", PaddingSide.Right);
        }
        catch (JsonException ex)
        {
            throw new ModelIncompatibleException("(memory)", FileName, $"'{FileName}' is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Encodes one text to ids, with the post-processor's special tokens when <paramref name="addSpecialTokens"/>.</summary>
    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. Finish(EncodeWithoutSpecialTokens(text), addSpecialTokens, maxLength: null)];
    }

    /// <summary>
    /// Encodes texts into one padded batch. Sequences longer than <paramref name="maxLength"/> are cut so that the
    /// special tokens still fit (CLIP keeps its end token at position 76); rows are padded with
    /// <paramref name="padTokenId"/> (default: the pad token, else the end token) to <paramref name="maxLength"/>
    /// when <paramref name="padToMaxLength"/>, else to the longest row.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> leaves no room for the text.</exception>
    public TokenizedBatch EncodeBatch(IReadOnlyList<string> texts, int? maxLength = null, bool padToMaxLength = false, bool addSpecialTokens = true, int? padTokenId = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (maxLength is int m && m <= (addSpecialTokens ? _postProcessor?.AddedTokenCount(false) ?? 0 : 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "maxLength must leave room for at least one token besides the special tokens.");
        }

        var rows = new List<int>[texts.Count];
        int longest = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(texts[i], $"{nameof(texts)}[{i}]");
            rows[i] = Finish(EncodeWithoutSpecialTokens(texts[i]), addSpecialTokens, maxLength);
            longest = Math.Max(longest, rows[i].Count);
        }

        int length = padToMaxLength && maxLength is int max ? max : longest;
        long pad = padTokenId ?? PadTokenId ?? EosTokenId ?? 0;
        var ids = new long[texts.Count * length];
        var mask = new long[texts.Count * length];
        for (int i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            int offset = PaddingSide == PaddingSide.Left ? length - row.Count : 0;
            var idRow = ids.AsSpan(i * length, length);
            var maskRow = mask.AsSpan(i * length, length);
            idRow.Fill(pad);
            for (int j = 0; j < row.Count; j++)
            {
                idRow[offset + j] = row[j];
                maskRow[offset + j] = 1;
            }
        }

        return new TokenizedBatch(ids, mask, texts.Count, length);
    }

    /// <summary>Decodes ids to text; unknown ids are ignored.</summary>
    /// <param name="ids">The token ids.</param>
    /// <param name="skipSpecialTokens">Whether added tokens marked special are left out.</param>
    /// <param name="cleanUpTokenizationSpaces">Whether to remove spaces before punctuation and contractions; default from tokenizer_config.</param>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true, bool? cleanUpTokenizationSpaces = null)
    {
        var tokens = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!(skipSpecialTokens && added.Special))
                {
                    tokens.Add(added.Content);
                }
            }
            else if (_model.IdToToken(id) is { } token)
            {
                tokens.Add(token);
            }
        }

        string text;
        if (_decoder is null)
        {
            text = string.Join(' ', tokens);
        }
        else
        {
            _decoder.Decode(tokens);
            text = string.Concat(tokens);
        }

        if (_endOfWordSuffixToStrip is not null)
        {
            text = text.Replace(_endOfWordSuffixToStrip, " ", StringComparison.Ordinal).Trim();
        }

        return cleanUpTokenizationSpaces ?? Config.CleanUpTokenizationSpaces ? CleanUp.Tokenization(text) : text;
    }

    /// <summary>Starts a decoder that turns a stream of generated ids into text as soon as it is complete.</summary>
    public StreamingTokenDecoder CreateStreamingDecoder(bool skipSpecialTokens = true) => new(this, skipSpecialTokens);

    /// <summary>Gets the id of a token by its exact content (added tokens first, then the vocabulary).</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _addedByContent.TryGetValue(token, out var added) ? added.Id : _model.TokenToId(token);
    }

    /// <summary>Gets the content of a token id, or <see langword="null"/> when no token has it.</summary>
    public string? IdToToken(int id) => _addedById.TryGetValue(id, out var added) ? added.Content : _model.IdToToken(id);

    /// <summary>Gets the added token with this content, or <see langword="null"/>.</summary>
    public AddedToken? GetAddedToken(string content) => _addedByContent.GetValueOrDefault(content);

    /// <summary>Gets whether <paramref name="id"/> is an added token marked special.</summary>
    public bool IsSpecial(int id) => _addedById.TryGetValue(id, out var t) && t.Special;

    private static Tokenizer Create(JsonElement root, TokenizerConfig config, string folder, PaddingSide side)
    {
        try
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the file must hold a JSON object");
            }

            int? padId = root.TryGetProperty("padding", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("pad_id", out var pid) && pid.TryGetInt32(out int v) ? v : null;
            return new Tokenizer(root, config, padId, side);
        }
        catch (FormatException ex)
        {
            throw new ModelIncompatibleException(folder, FileName, $"'{FileName}' in model folder '{folder}': {ex.Message}.", ex);
        }
        catch (InvalidOperationException ex)
        {
            // JsonElement accessors throw this when a field has another JSON type than the format says.
            throw new ModelIncompatibleException(folder, FileName, $"'{FileName}' in model folder '{folder}' has a field of the wrong type: {ex.Message}", ex);
        }
    }

    private static JsonElement Section(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    private int? IdOf(string? token) => token is null ? null : TokenToId(token);

    private List<int> EncodeWithoutSpecialTokens(string text)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        var spans = new List<(int Start, int End, AddedToken? Token)>();
        _rawMatcher.Split(text, spans);
        var words = new List<string>();
        var inner = new List<(int Start, int End, AddedToken? Token)>();
        foreach (var (start, end, token) in spans)
        {
            if (token is not null)
            {
                ids.Add(token.Id);
                continue;
            }

            if (end == start)
            {
                continue;
            }

            string segment = start == 0 && end == text.Length ? text : text[start..end];
            string normalized = _normalizer?.Normalize(segment) ?? segment;
            inner.Clear();
            _normalizedMatcher.Split(normalized, inner);
            foreach (var (s, e, t) in inner)
            {
                if (t is not null)
                {
                    ids.Add(t.Id);
                    continue;
                }

                if (e == s)
                {
                    continue;
                }

                string piece = s == 0 && e == normalized.Length ? normalized : normalized[s..e];
                words.Clear();
                if (_preTokenizer is null)
                {
                    words.Add(piece);
                }
                else
                {
                    _preTokenizer.PreTokenize(piece, atStart: start == 0 && s == 0, words);
                }

                foreach (var word in words)
                {
                    _model.Tokenize(word, ids);
                }
            }
        }

        return ids;
    }

    private List<int> Finish(List<int> ids, bool addSpecialTokens, int? maxLength)
    {
        bool process = addSpecialTokens && _postProcessor is not null;
        if (maxLength is int max)
        {
            int room = max - (process ? _postProcessor!.AddedTokenCount(false) : 0);
            if (ids.Count > room)
            {
                ids.RemoveRange(room, ids.Count - room);
            }
        }

        return process ? _postProcessor!.Process(ids, null) : ids;
    }
}
