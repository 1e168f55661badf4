using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Multi-turn chat about images on a LLaVA / BLIP-2 style export or an Idefics3 one (SmolVLM v1), as Microsoft.Extensions.AI's
/// <see cref="IChatClient"/>. The caller owns the conversation (a list of <see cref="ChatMessage"/>); images are
/// <see cref="DataContent"/> items with an <c>image/*</c> media type, in any message, mixed with text. Each call
/// renders the whole history with the model's chat template.
/// </summary>
/// <remarks>
/// Safe for concurrent use. Image features are cached by content (SHA-256 of the image bytes), so an image that stays
/// in the history is encoded once, not once per turn; the cache holds the 32 most recently added images and is
/// cleared when full. <see cref="ChatOptions"/> maps <c>MaxOutputTokens</c>, <c>Temperature</c> (0 = greedy, more =
/// sampling), <c>TopP</c>, <c>TopK</c>, <c>Seed</c>, <c>StopSequences</c> and <c>Instructions</c> (a system message);
/// a <see cref="GenerationOptions"/> returned by <c>RawRepresentationFactory</c> is the base the others override.
/// Owns its ONNX Runtime sessions; dispose it to release them.
/// </remarks>
public sealed class VisionChatClient : IChatClient, IWarmable
{
    private const int CacheCapacity = 32;

    private readonly VisionLanguageModel _model;
    private readonly IDisposable _owner;
    private readonly ChatClientMetadata _metadata;
    private readonly ConcurrentDictionary<string, ImageFeatures> _cache = new(StringComparer.Ordinal);
    private readonly string _mediaPrefix = "image/";
    private readonly Func<DataContent, CancellationToken, ImageFeatures>? _encode;

    /// <summary>Loads a vision-language model folder with default options on the CPU.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session and input-limit settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a LLaVA-style model (<c>model_type</c> 'llava', or 'idefics3' for SmolVLM v1), its chat template does not parse, or a graph breaks the contract.</exception>
    public VisionChatClient(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath)
    {
    }

    internal VisionChatClient(OnnxSessionFactory factory, string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        _model = new VisionLanguageModel(factory, modelPath, "Vision chat");
        _owner = _model;
        _metadata = Metadata(_model);
    }

    /// <summary>Chats on a model shared with other pipelines (visual QA over the same folder); disposing releases the lease.</summary>
    internal VisionChatClient(ModelLease<VisionLanguageModel> model)
    {
        _model = model.Value;
        _owner = model;
        _metadata = Metadata(_model);
    }

    /// <summary>
    /// Chats about another kind of media than images (Multimodal.Sdk.Video's video chat): <paramref name="mediaPrefix"/>
    /// content (<c>video/</c>) is turned into features by <paramref name="encode"/>; the decode loop, template and cache are these.
    /// </summary>
    internal VisionChatClient(ModelLease<VisionLanguageModel> model, string mediaPrefix, Func<DataContent, CancellationToken, ImageFeatures> encode)
        : this(model)
    {
        _mediaPrefix = mediaPrefix;
        _encode = encode;
    }

    /// <summary>Gets the loaded model; tests prove sharing with it.</summary>
    internal VisionLanguageModel Model => _model;

    /// <summary>Gets how many times the vision encoder ran; tests use it to prove the feature cache.</summary>
    internal int VisionEncoderRuns => _model.VisionEncoderRuns;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No message, non-image binary content, or image placeholders written in the text.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InputDecodeException">An image cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">An image exceeds the pixel budget, or the conversation exceeds the model's context.</exception>
    /// <exception cref="MultimodalException">The chat template raised an exception (for example on a role order it does not accept).</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prepared = await Task.Run(() => Prepare(messages, options, cancellationToken), cancellationToken).ConfigureAwait(false);
        using (prepared.Embeddings)
        {
            var generated = await _model.GenerateAsync(prepared.Ids, prepared.Embeddings, prepared.Settings, cancellationToken).ConfigureAwait(false);
            var best = generated.First;
            string text = _model.Tokenizer.Decode(best.Tokens, skipSpecialTokens: true);
            int cut = FirstStop(text, prepared.Stops, 0);
            bool stopped = cut >= 0;
            if (stopped)
            {
                text = text[..cut];
            }

            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
            {
                ModelId = _metadata.DefaultModelId,
                CreatedAt = DateTimeOffset.UtcNow,
                FinishReason = best.EndedWithEos || stopped ? ChatFinishReason.Stop : ChatFinishReason.Length,
                Usage = new UsageDetails { InputTokenCount = prepared.Ids.Length, OutputTokenCount = best.Tokens.Length, TotalTokenCount = prepared.Ids.Length + best.Tokens.Length },
            };
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No message, non-image binary content, image placeholders written in the text, or beam search asked for.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InputDecodeException">An image cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">An image exceeds the pixel budget, or the conversation exceeds the model's context.</exception>
    /// <exception cref="MultimodalException">The chat template raised an exception.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prepared = await Task.Run(() => Prepare(messages, options, cancellationToken), cancellationToken).ConfigureAwait(false);
        using (prepared.Embeddings)
        {
            string responseId = Guid.NewGuid().ToString("N");
            var decoder = _model.Tokenizer.CreateStreamingDecoder(skipSpecialTokens: true);
            int holdBack = prepared.Stops.Count == 0 ? 0 : prepared.Stops.Max(s => s.Length) - 1;
            var pending = new StringBuilder();
            var finish = ChatFinishReason.Length;
            int generatedTokens = 0;
            bool stopped = false;
            await foreach (var token in _model.StreamAsync(prepared.Ids, prepared.Embeddings, prepared.Settings, cancellationToken).ConfigureAwait(false))
            {
                generatedTokens++;
                if (token.IsEos)
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }

                pending.Append(decoder.Push(token.TokenId));
                int cut = FirstStop(pending.ToString(), prepared.Stops, 0);
                if (cut >= 0)
                {
                    pending.Length = cut;
                    stopped = true;
                    finish = ChatFinishReason.Stop;
                    break;
                }

                int ready = pending.Length - holdBack;
                if (ready > 0)
                {
                    yield return Update(responseId, pending.ToString(0, ready));
                    pending.Remove(0, ready);
                }
            }

            if (!stopped)
            {
                pending.Append(decoder.Flush());
                int cut = FirstStop(pending.ToString(), prepared.Stops, 0);
                if (cut >= 0)
                {
                    pending.Length = cut;
                    finish = ChatFinishReason.Stop;
                }
            }

            if (pending.Length > 0)
            {
                yield return Update(responseId, pending.ToString());
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = prepared.Ids.Length, OutputTokenCount = generatedTokens, TotalTokenCount = prepared.Ids.Length + generatedTokens })])
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = _metadata.DefaultModelId,
                FinishReason = finish,
            };
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    async Task IWarmable.WarmUpAsync(CancellationToken cancellationToken)
    {
        var (height, width) = _model.ImageSize;
        var blank = ImageData.FromPixels(new byte[width * height * 3], width, height);
        var features = await Task.Run(() => _model.FramesPerVideo > 0 ? _model.EncodeVideo(Enumerable.Repeat(blank, _model.FramesPerVideo).ToList(), cancellationToken) : _model.EncodeImage(blank, cancellationToken), cancellationToken).ConfigureAwait(false);
        int[] ids = _model.BuildPrompt([_model.Message("user", [(true, null), (false, "warm up")])], [features]);
        using var embeddings = _model.Embed(ids, [features]);
        await _model.GenerateAsync(ids, embeddings, _model.Settings(new GenerationOptions { MaxNewTokens = 1 }, ids.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _owner.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"VisionChatClient({_model.ModelPath})";

    private static ChatClientMetadata Metadata(VisionLanguageModel model) =>
        new("Multimodal.Sdk", null, Path.GetFileName(model.ModelPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)));

    private static ChatResponseUpdate Update(string responseId, string text) => new(ChatRole.Assistant, text) { ResponseId = responseId, MessageId = responseId };

    private static int FirstStop(string text, IReadOnlyList<string> stops, int from)
    {
        int best = -1;
        foreach (var stop in stops)
        {
            int i = text.IndexOf(stop, from, StringComparison.Ordinal);
            if (i >= 0 && (best < 0 || i < best))
            {
                best = i;
            }
        }

        return best;
    }

    private static GenerationOptions ToGenerationOptions(ChatOptions? options, IChatClient client)
    {
        var g = (options?.RawRepresentationFactory?.Invoke(client) as GenerationOptions)?.Clone() ?? new GenerationOptions();
        if (options is null)
        {
            return g;
        }

        if (options.MaxOutputTokens is { } max)
        {
            g.MaxNewTokens = max;
        }

        if (options.Temperature is { } t)
        {
            if (t <= 0)
            {
                g.DoSample = false;
            }
            else
            {
                g.DoSample = true;
                g.Temperature = t;
            }
        }

        if (options.TopP is { } p)
        {
            g.TopP = p;
        }

        if (options.TopK is { } k)
        {
            g.TopK = k;
        }

        if (options.Seed is { } seed)
        {
            g.Seed = unchecked((int)seed);
        }

        return g;
    }

    // Runs on the thread pool: template rendering, tokenizing, the vision encoder and the embedding graph are CPU-bound.
    private Prepared Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var history = messages.ToList();
        if (history.Count == 0)
        {
            throw new ArgumentException("At least one message is needed.", nameof(messages));
        }

        var templateMessages = new List<Dictionary<string, object?>>(history.Count + 1);
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            templateMessages.Add(_model.Message("system", [(false, instructions)]));
        }

        var images = new List<ImageFeatures>();
        foreach (var message in history)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            var parts = new List<(bool IsImage, string? Text)>();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent text:
                        parts.Add((false, text.Text));
                        break;
                    case DataContent data when data.MediaType.StartsWith(_mediaPrefix, StringComparison.OrdinalIgnoreCase):
                        parts.Add((true, null));
                        images.Add(FeaturesOf(data, cancellationToken));
                        break;
                    case DataContent data:
                        throw new ArgumentException($"This chat reads text and {_mediaPrefix}* content; a message holds '{data.MediaType}' content.", nameof(messages));
                    case UriContent uri:
                        throw new ArgumentException($"Images must come as DataContent bytes; the SDK does not fetch '{uri.Uri}'.", nameof(messages));
                    default:
                        // Usage, reasoning and other metadata items of earlier responses carry no prompt text.
                        break;
                }
            }

            templateMessages.Add(_model.Message(message.Role.Value, parts));
        }

        int[] ids = _model.BuildPrompt(templateMessages, images);
        var settings = _model.Settings(ToGenerationOptions(options, this), ids.Length);
        var stops = options?.StopSequences?.Where(s => !string.IsNullOrEmpty(s)).ToList() ?? [];
        var embeddings = _model.Embed(ids, images);
        return new Prepared(ids, embeddings, settings, stops);
    }

    private ImageFeatures FeaturesOf(DataContent data, CancellationToken cancellationToken)
    {
        string key = Convert.ToHexString(SHA256.HashData(data.Data.Span));
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var features = _encode is not null ? _encode(data, cancellationToken) : _model.EncodeImage(ImageData.FromBytes(data.Data, data.Name), cancellationToken);
        if (_cache.Count >= CacheCapacity)
        {
            _cache.Clear();
        }

        _cache[key] = features;
        return features;
    }

    private sealed record Prepared(int[] Ids, Microsoft.ML.OnnxRuntime.OrtValue Embeddings, GenerationSettings Settings, IReadOnlyList<string> Stops);
}
