using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>
/// Something to add to a <see cref="MultimodalRetriever"/>: an image, a text or audio (a file, a stream or decoded
/// data), with an optional id and JSON metadata. Nothing is read until the retriever adds it.
/// </summary>
/// <remarks>Immutable; safe to share between threads, except that a stream item reads its stream once when added.</remarks>
public sealed class RetrievalItem
{
    private RetrievalItem(RetrievalModality modality, string source)
    {
        Modality = modality;
        Source = source;
    }

    /// <summary>Gets what the item is.</summary>
    public RetrievalModality Modality { get; }

    /// <summary>Gets where it comes from: the file path, the text itself, or the name given for a stream or decoded data.</summary>
    public string Source { get; }

    /// <summary>Gets or initializes the id; <see langword="null"/> lets the retriever use the first 32 hex digits of the content hash.</summary>
    public string? Id { get; init; }

    /// <summary>Gets or initializes the caller's JSON metadata (usually an object, filterable with <see cref="RetrievalSearchOptions.MetadataEquals"/>).</summary>
    public JsonElement? Metadata { get; init; }

    internal string? Text { get; private init; }

    internal ImageData? Image { get; private init; }

    internal AudioData? Audio { get; private init; }

    internal string? FilePath { get; private init; }

    internal Stream? Stream { get; private init; }

    /// <summary>A text, embedded by the CLIP text tower; its source is the text itself.</summary>
    /// <param name="text">The text; not empty.</param>
    /// <param name="id">An optional id.</param>
    /// <param name="metadata">Optional JSON metadata.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty.</exception>
    public static RetrievalItem FromText(string text, string? id = null, JsonElement? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return new RetrievalItem(RetrievalModality.Text, text) { Text = text, Id = id, Metadata = metadata };
    }

    /// <summary>An image file; its source is the path.</summary>
    /// <param name="path">The file (JPEG, PNG, WebP, BMP or GIF).</param>
    /// <param name="id">An optional id.</param>
    /// <param name="metadata">Optional JSON metadata.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static RetrievalItem FromImageFile(string path, string? id = null, JsonElement? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new RetrievalItem(RetrievalModality.Image, path) { FilePath = path, Id = id, Metadata = metadata };
    }

    /// <summary>An image in a stream, read to its end when added (the stream is not disposed).</summary>
    /// <param name="stream">The encoded image.</param>
    /// <param name="source">The name results show as its source.</param>
    /// <param name="id">An optional id.</param>
    /// <param name="metadata">Optional JSON metadata.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is empty.</exception>
    public static RetrievalItem FromImageStream(Stream stream, string source, string? id = null, JsonElement? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return new RetrievalItem(RetrievalModality.Image, source) { Stream = stream, Id = id, Metadata = metadata };
    }

    /// <summary>An image given as <see cref="ImageData"/>; its source is the image's name (or <paramref name="source"/>).</summary>
    /// <param name="image">The image.</param>
    /// <param name="source">The source to show; <see langword="null"/> uses <see cref="ImageData.Name"/>, or "image".</param>
    /// <param name="id">An optional id.</param>
    /// <param name="metadata">Optional JSON metadata.</param>
    /// <returns>The item.</returns>
    public static RetrievalItem FromImage(ImageData image, string? source = null, string? id = null, JsonElement? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new RetrievalItem(RetrievalModality.Image, source ?? image.Name ?? "image") { Image = image, Id = id, Metadata = metadata };
    }

    /// <summary>An audio file (WAV), transcribed when added and the transcript embedded; its source is the path.</summary>
    /// <param name="path">The file.</param>
    /// <param name="id">An optional id.</param>
    /// <param name="metadata">Optional JSON metadata.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static RetrievalItem FromAudioFile(string path, string? id = null, JsonElement? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new RetrievalItem(RetrievalModality.Audio, path) { FilePath = path, Id = id, Metadata = metadata };
    }

    /// <summary>Audio in a stream (WAV), read to its end when added (the stream is not disposed).</summary>
    /// <param name="stream">The audio.</param>
    /// <param name="source">The name results show as its source.</param>
    /// <param name="id">An optional id.</param>
    /// <param name="metadata">Optional JSON metadata.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is empty.</exception>
    public static RetrievalItem FromAudioStream(Stream stream, string source, string? id = null, JsonElement? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return new RetrievalItem(RetrievalModality.Audio, source) { Stream = stream, Id = id, Metadata = metadata };
    }

    /// <summary>Decoded audio (any container a decoder of yours reads), transcribed when added.</summary>
    /// <param name="audio">The samples.</param>
    /// <param name="source">The name results show as its source.</param>
    /// <param name="id">An optional id.</param>
    /// <param name="metadata">Optional JSON metadata.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is empty.</exception>
    public static RetrievalItem FromAudio(AudioData audio, string source, string? id = null, JsonElement? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return new RetrievalItem(RetrievalModality.Audio, source) { Audio = audio, Id = id, Metadata = metadata };
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Modality} {Source}";

    internal static RetrievalItem FromTextFile(string text, string path) => new(RetrievalModality.Text, path) { Text = text };

    internal RetrievalItem WithId(string id) => new(Modality, Source)
    {
        Id = id,
        Metadata = Metadata,
        Text = Text,
        Image = Image,
        Audio = Audio,
        FilePath = FilePath,
        Stream = Stream,
    };
}
