using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// Sentence embeddings from a BERT-family encoder (all-MiniLM-L6-v2, other sentence-transformers models exported to ONNX)
/// as a Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: the model folder's own
/// <c>tokenizer.json</c> (WordPiece for BERT), <c>onnx/model.onnx</c> (<c>input_ids</c>, <c>attention_mask</c>, optional
/// <c>token_type_ids</c> in; <c>last_hidden_state</c> out), then mean pooling over the attention mask and L2 normalization,
/// as sentence-transformers computes them. The folder may be a hub repository id (<c>Xenova/all-MiniLM-L6-v2</c>).
/// </summary>
/// <remarks>Safe for concurrent use. Owns its ONNX Runtime session; dispose it to release it.</remarks>
public sealed class SentenceEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>, IWarmable
{
    private const int DefaultMaxTokens = 256;
    private static readonly string[] EncoderTypes = ["bert", "roberta", "xlm-roberta", "mpnet", "distilbert", "camembert", "electra"];

    private readonly ModelSession _session;
    private readonly Tokenizer _tokenizer;
    private readonly string _output;
    private readonly bool _tokenTypes;
    private readonly int _maxTokens;
    private readonly SentenceEmbeddingOptions _options;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private bool _disposed;

    /// <summary>Loads a sentence-embedding model folder (or hub repository) on the CPU.</summary>
    /// <param name="modelPath">The model folder, or a repository id such as <c>Xenova/all-MiniLM-L6-v2</c>.</param>
    /// <param name="options">Token limit, normalization and batch size; <see langword="null"/> for the defaults.</param>
    /// <param name="multimodalOptions">Session settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ModelNotFoundException">The folder, its tokenizer or its graph is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a BERT-family encoder, or its graph lacks the expected inputs and outputs.</exception>
    public SentenceEmbeddingGenerator(string modelPath, SentenceEmbeddingOptions? options = null, MultimodalOptions? multimodalOptions = null)
        : this(new OnnxSessionFactory(multimodalOptions), modelPath, options)
    {
    }

    internal SentenceEmbeddingGenerator(OnnxSessionFactory factory, string modelPath, SentenceEmbeddingOptions? options)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _options = options?.Clone() ?? new SentenceEmbeddingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1, nameof(options));
        var folder = factory.OpenFolder(modelPath);
        folder.RequireModelType("The sentence embedding generator", EncoderTypes);
        _tokenizer = Tokenizer.Load(folder);
        _session = factory.Create(folder, "model").Require(["input_ids", "attention_mask"], []);
        try
        {
            _output = _session.HasOutput("last_hidden_state") ? "last_hidden_state"
                : _session.HasOutput("token_embeddings") ? "token_embeddings"
                : throw new ModelIncompatibleException(folder.Path, _session.FileName, $"'{_session.FileName}' has no 'last_hidden_state' (or 'token_embeddings') output to pool; it has {string.Join(", ", _session.OutputNames)}.");
            _tokenTypes = _session.HasInput("token_type_ids");
            int positions = folder.Config.TryGetInt32("max_position_embeddings") ?? int.MaxValue;
            int tokenizerLimit = _tokenizer.Config.ModelMaxLength is int m and > 0 and < 1_000_000 ? m : int.MaxValue;
            _maxTokens = _options.MaxTokens
                ?? folder.TryGetJson("sentence_bert_config.json")?.TryGetInt32("max_seq_length")
                ?? Math.Min(DefaultMaxTokens, Math.Min(positions, tokenizerLimit));
            ArgumentOutOfRangeException.ThrowIfLessThan(_maxTokens, 3, nameof(options));
            _metadata = new EmbeddingGeneratorMetadata("Multimodal.Sdk", new Uri(folder.Path + Path.DirectorySeparatorChar), Path.GetFileName(folder.Path.TrimEnd(Path.DirectorySeparatorChar)), folder.Config.TryGetInt32("hidden_size"));
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Gets the most tokens of a text that are embedded.</summary>
    public int MaxTokens => _maxTokens;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its texts is <see langword="null"/>.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var texts = values.ToList();
        return Task.Run(
            () =>
            {
                var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
                for (int start = 0; start < texts.Count; start += _options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    result.AddRange(Embed(texts.GetRange(start, Math.Min(_options.BatchSize, texts.Count - start)), cancellationToken));
                }

                return result;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _session.Dispose();
        }
    }

    Task IWarmable.WarmUpAsync(CancellationToken cancellationToken) => GenerateAsync(["warm-up"], null, cancellationToken);

    private List<Embedding<float>> Embed(List<string> texts, CancellationToken cancellationToken)
    {
        var batch = _tokenizer.EncodeBatch(texts, _maxTokens, padTokenId: _tokenizer.PadTokenId ?? 0);
        int rows = batch.BatchSize, length = batch.SequenceLength;
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.InputIds, [rows, length]);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask, [rows, length]);
        using var types = OrtValue.CreateTensorValueFromMemory(new long[rows * length], [rows, length]);
        using var outputs = _tokenTypes
            ? _session.Run(["input_ids", "attention_mask", "token_type_ids"], [ids, mask, types], [_output], cancellationToken)
            : _session.Run(["input_ids", "attention_mask"], [ids, mask], [_output], cancellationToken);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        int width = hidden.Length / (rows * length);
        var embeddings = new List<Embedding<float>>(rows);
        var created = DateTimeOffset.UtcNow;
        for (int r = 0; r < rows; r++)
        {
            // Mean over the tokens the mask keeps, as sentence-transformers' Pooling(mean) does (in float32).
            var vector = new float[width];
            int kept = 0;
            for (int t = 0; t < length; t++)
            {
                if (batch.AttentionMask[(r * length) + t] != 0)
                {
                    TensorPrimitives.Add(vector, hidden.Slice(((r * length) + t) * width, width), vector);
                    kept++;
                }
            }

            TensorPrimitives.Divide(vector, Math.Max(kept, 1), vector);
            if (_options.Normalize)
            {
                // torch.nn.functional.normalize: divide by max(norm, 1e-12).
                TensorPrimitives.Divide(vector, MathF.Max(TensorPrimitives.Norm(vector), 1e-12f), vector);
            }

            embeddings.Add(new Embedding<float>(vector) { CreatedAt = created, ModelId = _metadata.DefaultModelId });
        }

        return embeddings;
    }
}
