using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Semantic search over images, texts and audio in one CLIP embedding space: add items (embedded in batches, the
/// encoder runs once per item, identical content is stored once), then search by text, by image or by embedding with
/// top-k, modality and metadata filters. Records live in any <see cref="IRetrievalStore"/>: the embedded folder store,
/// PostgreSQL with pgvector, or a Microsoft.Extensions.VectorData collection. Folder ingest and single-item overloads
/// are in <see cref="MultimodalRetrieverExtensions"/>.
/// </summary>
/// <remarks>
/// Safe for concurrent use when the encoder, recognizer and store are (the SDK's are). Two concurrent adds of the same
/// new content may both embed it; the store still keeps one record per id.
/// </remarks>
public sealed class MultimodalRetriever
{
    private readonly IClipEncoder _encoder;
    private readonly ISpeechRecognizer? _speech;
    private readonly MultimodalRetrieverOptions _options;

    /// <summary>Creates a retriever.</summary>
    /// <param name="encoder">Embeds images, texts and transcripts; not disposed by the retriever.</param>
    /// <param name="store">Keeps the records; not disposed by the retriever.</param>
    /// <param name="speechRecognizer">Transcribes audio items; <see langword="null"/> when no audio is added.</param>
    /// <param name="options">Batch size and transcription settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> or <paramref name="store"/> is <see langword="null"/>.</exception>
    public MultimodalRetriever(IClipEncoder encoder, IRetrievalStore store, ISpeechRecognizer? speechRecognizer = null, MultimodalRetrieverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(store);
        _encoder = encoder;
        Store = store;
        _speech = speechRecognizer;
        _options = options?.Clone() ?? new MultimodalRetrieverOptions();
    }

    /// <summary>
    /// Creates a retriever for text-to-text search over a text embedding generator (a <see cref="SentenceEmbeddingGenerator"/>
    /// such as all-MiniLM-L6-v2, or any Microsoft.Extensions.AI one): texts are indexed and searched; adding or searching
    /// images or audio raises <see cref="NotSupportedException"/>.
    /// </summary>
    /// <param name="textEmbedder">Embeds the texts and the queries; not disposed by the retriever.</param>
    /// <param name="store">Keeps the records; not disposed by the retriever. Its dimension must be the generator's.</param>
    /// <param name="options">Batch size; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="textEmbedder"/> or <paramref name="store"/> is <see langword="null"/>.</exception>
    public MultimodalRetriever(IEmbeddingGenerator<string, Embedding<float>> textEmbedder, IRetrievalStore store, MultimodalRetrieverOptions? options = null)
        : this(new TextEmbeddingEncoder(textEmbedder ?? throw new ArgumentNullException(nameof(textEmbedder))), store, null, options)
    {
    }

    /// <summary>Gets the store the records live in.</summary>
    public IRetrievalStore Store { get; }

    /// <summary>
    /// Adds items: each is read, hashed, checked against the store by content hash, embedded in batches and written in
    /// batches of <see cref="MultimodalRetrieverOptions.BatchSize"/>. An item whose content is already stored is not
    /// embedded again; an item whose id is stored with other content, source or metadata replaces it.
    /// </summary>
    /// <param name="items">The items.</param>
    /// <param name="progress">Reports each item done; optional.</param>
    /// <param name="cancellationToken">Checked between batches; batches written before cancellation stay.</param>
    /// <returns>One result per item, in order.</returns>
    /// <exception cref="ArgumentException">Two items in the call have the same id but different content.</exception>
    /// <exception cref="InvalidOperationException">An audio item is added but the retriever has no speech recognizer.</exception>
    /// <exception cref="InputDecodeException">An image or audio item cannot be decoded.</exception>
    /// <exception cref="FileNotFoundException">A file item does not exist.</exception>
    public async Task<IReadOnlyList<RetrievalAddResult>> AddAsync(IReadOnlyList<RetrievalItem> items, IProgress<RetrievalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var results = new RetrievalAddResult[items.Count];
        var byHashInCall = new Dictionary<string, string>(StringComparer.Ordinal);
        var hashOfIdInCall = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int start = 0; start < items.Count; start += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(_options.BatchSize, items.Count - start);
            var loaded = new LoadedItem[count];
            for (int i = 0; i < count; i++)
            {
                var item = items[start + i] ?? throw new ArgumentNullException(nameof(items), $"Item {start + i} is null.");
                loaded[i] = await LoadAsync(item, cancellationToken).ConfigureAwait(false);
            }

            var stored = await Store.GetByContentHashAsync(loaded.Select(l => l.Hash).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
            var storedByHash = new Dictionary<string, List<RetrievalRecord>>(StringComparer.Ordinal);
            foreach (var record in stored)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(storedByHash, record.ContentHash, out _) ??= [];
                storedByHash[record.ContentHash].Add(record);
            }

            var toWrite = new List<RetrievalRecord>();
            var toEmbed = new List<int>();
            var status = new RetrievalAddStatus[count];
            var embeddings = new ReadOnlyMemory<float>[count];
            for (int i = 0; i < count; i++)
            {
                var l = loaded[i];
                string id = l.Item.Id ?? l.Hash[..32];
                if (hashOfIdInCall.TryGetValue(id, out var earlierHash) && earlierHash != l.Hash)
                {
                    throw new ArgumentException($"Items in one call share the id '{id}' but have different content.", nameof(items));
                }

                if (byHashInCall.TryGetValue(l.Hash, out var earlierId) && (l.Item.Id is null || l.Item.Id == earlierId))
                {
                    results[start + i] = new RetrievalAddResult(earlierId, RetrievalAddStatus.Unchanged, l.Hash);
                    status[i] = RetrievalAddStatus.Unchanged;
                    continue;
                }

                var same = storedByHash.GetValueOrDefault(l.Hash);
                var match = same?.FirstOrDefault(r => r.Id == id) ?? (l.Item.Id is null ? same?.FirstOrDefault() : null);
                if (match is not null)
                {
                    if (match.Source == l.Item.Source && JsonEquals(match.Metadata, l.Item.Metadata))
                    {
                        results[start + i] = new RetrievalAddResult(match.Id, RetrievalAddStatus.Unchanged, l.Hash);
                        status[i] = RetrievalAddStatus.Unchanged;
                    }
                    else
                    {
                        // Same content, new source or metadata: keep the embedding, rewrite the record.
                        toWrite.Add(new RetrievalRecord(match.Id, l.Item.Modality, l.Item.Source, l.Hash, match.Embedding, l.Item.Metadata));
                        results[start + i] = new RetrievalAddResult(match.Id, RetrievalAddStatus.Updated, l.Hash);
                        status[i] = RetrievalAddStatus.Updated;
                    }

                    byHashInCall[l.Hash] = match.Id;
                    hashOfIdInCall[match.Id] = l.Hash;
                    continue;
                }

                if (same is { Count: > 0 } && l.Item.Id is not null)
                {
                    // The content is stored under another id and the caller names a new one: reuse its embedding.
                    embeddings[i] = same[0].Embedding;
                }
                else
                {
                    toEmbed.Add(i);
                }

                byHashInCall[l.Hash] = id;
                hashOfIdInCall[id] = l.Hash;
                status[i] = (await Store.GetAsync(id, cancellationToken).ConfigureAwait(false)) is null ? RetrievalAddStatus.Added : RetrievalAddStatus.Updated;
                results[start + i] = new RetrievalAddResult(id, status[i], l.Hash);
            }

            await EmbedAsync(loaded, toEmbed, embeddings, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < count; i++)
            {
                if (!embeddings[i].IsEmpty && results[start + i] is { Status: not RetrievalAddStatus.Unchanged } r)
                {
                    toWrite.Add(new RetrievalRecord(r.Id, loaded[i].Item.Modality, loaded[i].Item.Source, loaded[i].Hash, embeddings[i], loaded[i].Item.Metadata));
                }
            }

            if (toWrite.Count > 0)
            {
                await Store.UpsertAsync(toWrite, cancellationToken).ConfigureAwait(false);
            }

            for (int i = 0; i < count; i++)
            {
                progress?.Report(new RetrievalProgress(start + i + 1, items.Count, loaded[i].Item.Source));
            }
        }

        return results;
    }

    /// <summary>Finds the stored items closest to each of several texts (the texts are embedded in one batch).</summary>
    /// <param name="queries">The query texts; at least one.</param>
    /// <param name="options">Top-k and filters; <see langword="null"/> for the top 10 of everything.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>One hit list per query, in order, each best first.</returns>
    /// <exception cref="ArgumentException"><paramref name="queries"/> is empty.</exception>
    public async Task<IReadOnlyList<IReadOnlyList<RetrievalHit>>> SearchAsync(IReadOnlyList<string> queries, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var embedded = await _encoder.EmbedTextsAsync(queries, cancellationToken).ConfigureAwait(false);
        return await SearchEmbeddedAsync(embedded, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds the stored items closest to each of several images (the images are embedded in one batch).</summary>
    /// <param name="queries">The query images; at least one.</param>
    /// <param name="options">Top-k and filters; <see langword="null"/> for the top 10 of everything.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>One hit list per query, in order, each best first.</returns>
    /// <exception cref="ArgumentException"><paramref name="queries"/> is empty.</exception>
    /// <exception cref="InputDecodeException">An image cannot be decoded.</exception>
    public async Task<IReadOnlyList<IReadOnlyList<RetrievalHit>>> SearchAsync(IReadOnlyList<ImageData> queries, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var embedded = await _encoder.EmbedImagesAsync(queries, cancellationToken).ConfigureAwait(false);
        return await SearchEmbeddedAsync(embedded, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds the stored items closest to an embedding (from this retriever's encoder).</summary>
    /// <param name="embedding">The query embedding.</param>
    /// <param name="options">Top-k and filters; <see langword="null"/> for the top 10 of everything.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The hits, best first.</returns>
    /// <exception cref="ArgumentException">The embedding's length is not the store's dimension.</exception>
    public Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> embedding, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
        => Store.SearchAsync(embedding, options, cancellationToken);

    /// <summary>Deletes items by id; unknown ids are ignored.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>How many were deleted.</returns>
    public Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Store.DeleteAsync(ids, cancellationToken);
    }

    /// <summary>Gets a service: the encoder, the recognizer, the store, or what the store offers.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            foreach (object? candidate in new object?[] { this, _encoder, _speech, Store })
            {
                if (candidate is not null && serviceType.IsInstanceOfType(candidate))
                {
                    return candidate;
                }
            }
        }

        return Store.GetService(serviceType, serviceKey);
    }

    private async Task<IReadOnlyList<IReadOnlyList<RetrievalHit>>> SearchEmbeddedAsync(IReadOnlyList<Embedding<float>> embedded, RetrievalSearchOptions? options, CancellationToken cancellationToken)
    {
        var results = new IReadOnlyList<RetrievalHit>[embedded.Count];
        for (int q = 0; q < embedded.Count; q++)
        {
            results[q] = await Store.SearchAsync(embedded[q].Vector, options, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private async Task EmbedAsync(LoadedItem[] loaded, List<int> toEmbed, ReadOnlyMemory<float>[] embeddings, CancellationToken cancellationToken)
    {
        var images = toEmbed.Where(i => loaded[i].Image is not null).ToList();
        var texts = toEmbed.Where(i => loaded[i].Image is null).ToList();
        foreach (int i in texts.Where(i => loaded[i].Audio is not null || loaded[i].EncodedAudio is not null))
        {
            if (_speech is null)
            {
                throw new InvalidOperationException($"Audio item '{loaded[i].Item.Source}' needs a speech recognizer: create the retriever with an ISpeechRecognizer.");
            }

            // Encoded files and streams go to the recognizer as they are: the speech package decodes WAV and, through
            // ffmpeg, every other container, so the retriever holds no audio decoder of its own.
            string transcript = loaded[i].Audio is { } audio
                ? await _speech.TranscribeTextAsync(audio, _options.SpeechOptions, cancellationToken).ConfigureAwait(false)
                : (await _speech.TranscribeAsync(new MemoryStream(loaded[i].EncodedAudio!, writable: false), _options.SpeechOptions, cancellationToken).ConfigureAwait(false)).Text;
            loaded[i] = loaded[i] with { Text = string.IsNullOrWhiteSpace(transcript) ? " " : transcript.Trim() };
        }

        if (images.Count > 0)
        {
            var vectors = await _encoder.EmbedImagesAsync(images.Select(i => loaded[i].Image!).ToList(), cancellationToken).ConfigureAwait(false);
            for (int k = 0; k < images.Count; k++)
            {
                embeddings[images[k]] = Normalized(vectors[k].Vector);
            }
        }

        if (texts.Count > 0)
        {
            var vectors = await _encoder.EmbedTextsAsync(texts.Select(i => loaded[i].Text!).ToList(), cancellationToken).ConfigureAwait(false);
            for (int k = 0; k < texts.Count; k++)
            {
                embeddings[texts[k]] = Normalized(vectors[k].Vector);
            }
        }
    }

    private static ReadOnlyMemory<float> Normalized(ReadOnlyMemory<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector.Span);
        if (norm is 0 or 1)
        {
            return vector;
        }

        var copy = new float[vector.Length];
        TensorPrimitives.Divide(vector.Span, norm, copy);
        return copy;
    }

    private static bool JsonEquals(JsonElement? a, JsonElement? b)
        => a is null ? b is null : b is not null && JsonElement.DeepEquals(a.Value, b.Value);

    private static async Task<LoadedItem> LoadAsync(RetrievalItem item, CancellationToken cancellationToken)
    {
        switch (item.Modality)
        {
            case RetrievalModality.Text:
                return new LoadedItem(item, RetrievalContentHash.ForText(item.Text!), item.Text, null, null);
            case RetrievalModality.Image when item.Image is { } image:
                if (image.FilePath is { } imagePath)
                {
                    var fileBytes = await File.ReadAllBytesAsync(imagePath, cancellationToken).ConfigureAwait(false);
                    return new LoadedItem(item, RetrievalContentHash.Compute(RetrievalModality.Image, fileBytes), null, ImageData.FromBytes(fileBytes, image.Name), null);
                }

                var content = image.RgbPixels.IsEmpty ? image.EncodedBytes.Span : PixelsWithSize(image);
                return new LoadedItem(item, RetrievalContentHash.Compute(RetrievalModality.Image, content), null, image, null);
            case RetrievalModality.Image:
                var bytes = await ReadAllAsync(item, cancellationToken).ConfigureAwait(false);
                return new LoadedItem(item, RetrievalContentHash.Compute(RetrievalModality.Image, bytes), null, ImageData.FromBytes(bytes, item.Source), null);
            default:
                if (item.Audio is { } audio)
                {
                    var samples = new byte[4 + (audio.Samples.Length * sizeof(float))];
                    BitConverter.TryWriteBytes(samples, audio.SampleRate);
                    MemoryMarshal.AsBytes(audio.Samples.Span).CopyTo(samples.AsSpan(4));
                    return new LoadedItem(item, RetrievalContentHash.Compute(RetrievalModality.Audio, samples), null, null, audio);
                }

                var audioBytes = await ReadAllAsync(item, cancellationToken).ConfigureAwait(false);
                return new LoadedItem(item, RetrievalContentHash.Compute(RetrievalModality.Audio, audioBytes), null, null, null, audioBytes);
        }
    }

    private static byte[] PixelsWithSize(ImageData image)
    {
        var content = new byte[8 + image.RgbPixels.Length];
        BitConverter.TryWriteBytes(content, image.Width);
        BitConverter.TryWriteBytes(content.AsSpan(4), image.Height);
        image.RgbPixels.Span.CopyTo(content.AsSpan(8));
        return content;
    }

    private static async Task<byte[]> ReadAllAsync(RetrievalItem item, CancellationToken cancellationToken)
    {
        if (item.FilePath is { } path)
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }

        using var buffer = new MemoryStream();
        await item.Stream!.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private sealed record LoadedItem(RetrievalItem Item, string Hash, string? Text, ImageData? Image, AudioData? Audio, byte[]? EncodedAudio = null);
}
