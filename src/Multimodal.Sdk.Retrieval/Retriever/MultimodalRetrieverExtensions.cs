namespace Multimodal.Sdk;

/// <summary>Convenience operations over a <see cref="MultimodalRetriever"/>: single items, files, folders and single queries.</summary>
public static class MultimodalRetrieverExtensions
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif" };
    private static readonly HashSet<string> AudioExtensions = new(StringComparer.OrdinalIgnoreCase) { ".wav" };
    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase) { ".txt" };

    /// <summary>Adds one item.</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was done.</returns>
    public static async Task<RetrievalAddResult> AddAsync(this MultimodalRetriever retriever, RetrievalItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(item);
        return (await retriever.AddAsync([item], null, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Adds texts (each its own source).</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="texts">The texts.</param>
    /// <param name="progress">Reports each item done; optional.</param>
    /// <param name="cancellationToken">Cancels the work between batches.</param>
    /// <returns>One result per text.</returns>
    public static Task<IReadOnlyList<RetrievalAddResult>> AddTextsAsync(this MultimodalRetriever retriever, IEnumerable<string> texts, IProgress<RetrievalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(texts);
        return retriever.AddAsync(texts.Select(t => RetrievalItem.FromText(t)).ToList(), progress, cancellationToken);
    }

    /// <summary>Adds image files (sources are the paths).</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="paths">The files.</param>
    /// <param name="progress">Reports each item done; optional.</param>
    /// <param name="cancellationToken">Cancels the work between batches.</param>
    /// <returns>One result per file.</returns>
    public static Task<IReadOnlyList<RetrievalAddResult>> AddImageFilesAsync(this MultimodalRetriever retriever, IEnumerable<string> paths, IProgress<RetrievalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(paths);
        return retriever.AddAsync(paths.Select(p => RetrievalItem.FromImageFile(p)).ToList(), progress, cancellationToken);
    }

    /// <summary>Adds audio files (WAV; transcribed, sources are the paths).</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="paths">The files.</param>
    /// <param name="progress">Reports each item done; optional.</param>
    /// <param name="cancellationToken">Cancels the work between batches.</param>
    /// <returns>One result per file.</returns>
    public static Task<IReadOnlyList<RetrievalAddResult>> AddAudioFilesAsync(this MultimodalRetriever retriever, IEnumerable<string> paths, IProgress<RetrievalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(paths);
        return retriever.AddAsync(paths.Select(p => RetrievalItem.FromAudioFile(p)).ToList(), progress, cancellationToken);
    }

    /// <summary>
    /// Adds every file of a folder and its subfolders by extension: images (.jpg .jpeg .png .webp .bmp .gif), audio
    /// (.wav, when the retriever has a speech recognizer) and texts (.txt, the whole file as one text whose source is
    /// the path). Other files are skipped. Files are taken in ordinal path order.
    /// </summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="directory">The folder.</param>
    /// <param name="progress">Reports each item done; optional.</param>
    /// <param name="cancellationToken">Cancels the work between batches.</param>
    /// <returns>One result per file added, in path order.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static async Task<IReadOnlyList<RetrievalAddResult>> AddFolderAsync(this MultimodalRetriever retriever, string directory, IProgress<RetrievalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Folder '{directory}' does not exist.");
        }

        bool audio = retriever.GetService(typeof(ISpeechRecognizer)) is not null;
        var items = new List<RetrievalItem>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string ext = Path.GetExtension(path);
            if (ImageExtensions.Contains(ext))
            {
                items.Add(RetrievalItem.FromImageFile(path));
            }
            else if (audio && AudioExtensions.Contains(ext))
            {
                items.Add(RetrievalItem.FromAudioFile(path));
            }
            else if (TextExtensions.Contains(ext))
            {
                string text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
                if (!string.IsNullOrWhiteSpace(text))
                {
                    items.Add(RetrievalItem.FromTextFile(text, path));
                }
            }
        }

        return await retriever.AddAsync(items, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the item stored under <paramref name="id"/> (or adds it): its content, source and metadata.</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="id">The id.</param>
    /// <param name="item">The new item; its own id is ignored.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was done.</returns>
    public static Task<RetrievalAddResult> UpdateAsync(this MultimodalRetriever retriever, string id, RetrievalItem item, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(item);
        return retriever.AddAsync(item.WithId(id), cancellationToken);
    }

    /// <summary>Finds the stored items closest to a text.</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="query">The query text.</param>
    /// <param name="options">Top-k and filters.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The hits, best first.</returns>
    public static async Task<IReadOnlyList<RetrievalHit>> SearchAsync(this MultimodalRetriever retriever, string query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(query);
        return (await retriever.SearchAsync([query], options, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Finds the stored items closest to an image.</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="query">The query image.</param>
    /// <param name="options">Top-k and filters.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The hits, best first.</returns>
    public static async Task<IReadOnlyList<RetrievalHit>> SearchAsync(this MultimodalRetriever retriever, ImageData query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(query);
        return (await retriever.SearchAsync([query], options, cancellationToken).ConfigureAwait(false))[0];
    }
}
