using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Moment search over many videos through a retrieval index: each sampled frame's embedding is a record of an
/// <see cref="IRetrievalStore"/> (the embedded folder index, in memory, or PostgreSQL with pgvector) with the video and
/// its time range as metadata; a query finds the index's frames closest to it, and each video with such a frame is cut
/// into moments exactly as <see cref="VideoEncoderExtensions.FindMomentsAsync(IVideoEncoder, VideoEmbedding, string, MomentSearchOptions?, CancellationToken)"/>
/// cuts one video, so a folder search and a one-file search agree. The moments of all videos are ranked together.
/// </summary>
/// <remarks>
/// It lives in the Retrieval package and takes the Abstractions' <see cref="IVideoEncoder"/> (a
/// <c>ClipVideoEncoder</c> of the Video package), so neither package references the other. Records are
/// <see cref="RetrievalModality.Image"/> (CLIP image-tower embeddings) with metadata <c>kind = video-frame</c>,
/// <c>video</c>, <c>frame</c>, <c>frames</c>, <c>start</c>, <c>end</c> and <c>duration</c> (seconds), and ids
/// <c>video:{full path}#{frame}</c>; searches filter on <c>kind</c>, so they share a store with images and texts.
/// Safe for concurrent searches; adding the same video from two threads at once is not supported. Does not own the
/// encoder or the store.
/// </remarks>
public sealed class VideoMomentIndex
{
    /// <summary>The metadata <c>kind</c> of a video frame record.</summary>
    public const string FrameKind = "video-frame";

    private readonly IVideoEncoder _encoder;

    /// <summary>Creates a moment index over a store.</summary>
    /// <param name="encoder">The video encoder that embeds the frames and the queries (the same one for both).</param>
    /// <param name="store">Where the frame embeddings are kept.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public VideoMomentIndex(IVideoEncoder encoder, IRetrievalStore store)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(store);
        _encoder = encoder;
        Store = store;
    }

    /// <summary>Gets the store the frame embeddings are kept in.</summary>
    public IRetrievalStore Store { get; }

    /// <summary>
    /// Embeds a video's sampled frames and adds them to the store, replacing what an earlier add of the same path
    /// stored. A file added before with the same content and sampling is not embedded again.
    /// </summary>
    /// <param name="path">The video file.</param>
    /// <param name="sampling">Which frames; <see langword="null"/> for every frame (the most precise times; one frame every 0.5 s or so is plenty for long videos).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The video's id (<c>video:{full path}</c>), whether it was added, updated or unchanged, and the file's content hash.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The video cannot be decoded or has no frames.</exception>
    /// <exception cref="InputTooLargeException">The video exceeds the configured limits.</exception>
    public async Task<RetrievalAddResult> AddVideoAsync(string path, VideoSamplingOptions? sampling = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string file = Path.GetFullPath(path);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Video file '{path}' does not exist.", path);
        }

        sampling = sampling?.Clone() ?? VideoSamplingOptions.AllFrames();
        string fileHash = await HashFileAsync(file, cancellationToken).ConfigureAwait(false);
        var previous = await Store.GetAsync(FrameId(file, 0), cancellationToken).ConfigureAwait(false);
        int previousFrames = FrameCount(previous);
        if (previous is not null && previous.ContentHash == FrameHash(fileHash, sampling, 0))
        {
            return new RetrievalAddResult(VideoId(file), RetrievalAddStatus.Unchanged, fileHash);
        }

        var video = await _encoder.EmbedVideoAsync(file, new VideoEmbeddingOptions { Sampling = sampling }, cancellationToken).ConfigureAwait(false);
        var frames = video.Frames;
        var records = new List<RetrievalRecord>(frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            var end = i + 1 < frames.Count ? frames[i + 1].Time : (video.Duration > frames[i].Time ? video.Duration : frames[i].Time);
            var metadata = Metadata(file, i, frames.Count, frames[i].Time, end, video.Duration);
            records.Add(new RetrievalRecord(FrameId(file, i), RetrievalModality.Image, file, FrameHash(fileHash, sampling, i), frames[i].Vector, metadata));
        }

        await Store.UpsertAsync(records, cancellationToken).ConfigureAwait(false);
        if (previousFrames > frames.Count)
        {
            await Store.DeleteAsync([.. Enumerable.Range(frames.Count, previousFrames - frames.Count).Select(i => FrameId(file, i))], cancellationToken).ConfigureAwait(false);
        }

        return new RetrievalAddResult(VideoId(file), previous is null ? RetrievalAddStatus.Added : RetrievalAddStatus.Updated, fileHash);
    }

    /// <summary>Removes a video's frames from the store.</summary>
    /// <param name="path">The video file as it was added.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>How many frame records were removed (0 when the video was not indexed).</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public async Task<int> RemoveVideoAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string file = Path.GetFullPath(path);
        int count = FrameCount(await Store.GetAsync(FrameId(file, 0), cancellationToken).ConfigureAwait(false));
        if (count == 0)
        {
            return 0;
        }

        return await Store.DeleteAsync([.. Enumerable.Range(0, count).Select(i => FrameId(file, i))], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finds when something is visible in any of the indexed videos ("red circle"), or when it appears or disappears
    /// ("when does the red circle appear?": each moment is the event, its start the event time), as the one-video
    /// search does.
    /// </summary>
    /// <param name="query">What to find.</param>
    /// <param name="options">How many moments and candidate frames; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The matching stretches of all videos, best score first.</returns>
    /// <exception cref="ArgumentException"><paramref name="query"/> is empty, or the store holds embeddings of another length than the encoder's.</exception>
    /// <exception cref="RetrievalIndexFormatException">A matching video's frame records are incomplete in the store (records deleted by id behind the index's back): add or remove the video again.</exception>
    public async Task<IReadOnlyList<VideoMomentHit>> FindMomentsAsync(string query, VideoMomentSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        options = options?.Clone() ?? new VideoMomentSearchOptions();
        if (await Store.CountAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return [];
        }

        var text = (await _encoder.EmbedTextsAsync([VideoEncoderExtensions.SearchPhrase(query)], cancellationToken).ConfigureAwait(false))[0];
        var search = new RetrievalSearchOptions { Top = options.CandidateFrames, Modality = RetrievalModality.Image };
        search.MetadataEquals["kind"] = FrameKind;
        var hits = await Store.SearchAsync(text.Vector, search, cancellationToken).ConfigureAwait(false);

        // The text is embedded once; each candidate video is cut with the one-video search over its stored frames.
        using var fixedText = new FixedTextEncoder(_encoder, text);
        var moments = new List<VideoMomentHit>();
        foreach (var head in hits.Select(h => h.Record).DistinctBy(r => r.Source, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await LoadVideoAsync(head, cancellationToken).ConfigureAwait(false) is not { } video)
            {
                continue;
            }

            foreach (var moment in await fixedText.FindMomentsAsync(video, query, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                moments.Add(new VideoMomentHit(video.Path, moment.Start, moment.End, moment.Score));
            }
        }

        return [.. moments.OrderByDescending(m => m.Score).ThenBy(m => m.Video, StringComparer.Ordinal).ThenBy(m => m.Start).Take(options.Top)];
    }

    private static string VideoId(string file) => "video:" + file;

    private static string FrameId(string file, int frame) => string.Create(CultureInfo.InvariantCulture, $"video:{file}#{frame}");

    private static string FrameHash(string fileHash, VideoSamplingOptions sampling, int frame) =>
        RetrievalContentHash.ForText(string.Create(CultureInfo.InvariantCulture, $"video-frame {fileHash} {sampling.Mode} {sampling.FrameCount} {sampling.Interval.Ticks} {sampling.SceneThreshold:R} {sampling.MaxFrames} #{frame}"));

    private static async Task<string> HashFileAsync(string file, CancellationToken cancellationToken)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    private static JsonElement Metadata(string file, int frame, int frames, TimeSpan start, TimeSpan end, TimeSpan duration)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", FrameKind);
            json.WriteString("video", file);
            json.WriteNumber("frame", frame);
            json.WriteNumber("frames", frames);
            json.WriteNumber("start", start.TotalSeconds);
            json.WriteNumber("end", end.TotalSeconds);
            json.WriteNumber("duration", duration.TotalSeconds);
            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static double Seconds(JsonElement metadata, string name) =>
        metadata.TryGetProperty(name, out var p) && p.TryGetDouble(out double s) ? s : 0;

    private static int FrameCount(RetrievalRecord? record) =>
        record?.Metadata is { } m && m.TryGetProperty("frames", out var f) && f.TryGetInt32(out int count) ? count : 0;

    // Every frame record of the video a hit belongs to, in time order, fetched by id in one store call (one query on a
    // database): a key lookup is exact on every store, where a search filtered on the video would walk an approximate
    // index that may stop short (pgvector's iterative scan gives up after hnsw.max_scan_tuples, the VectorData adapter
    // after its widest window). Null when the video was removed while this search ran; a video re-added with another
    // frame count meanwhile is read again.
    private async Task<VideoEmbedding?> LoadVideoAsync(RetrievalRecord hit, CancellationToken cancellationToken)
    {
        int count = FrameCount(hit);
        for (int attempt = 1; count > 0; attempt++)
        {
            var ids = new Dictionary<string, int>(count, StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                ids.Add(FrameId(hit.Source, i), i);
            }

            var records = new RetrievalRecord?[count];
            foreach (var record in await Store.GetAsync(ids.Keys, cancellationToken).ConfigureAwait(false))
            {
                if (ids.TryGetValue(record.Id, out int i))
                {
                    records[i] = record;
                }
            }

            if (records[0] is not { } head)
            {
                return null;
            }

            int stored = FrameCount(head);
            int missing = Array.FindIndex(records, r => r is null || FrameCount(r) != count);
            if (stored != count || missing >= 0)
            {
                if (attempt < 3)
                {
                    count = stored;
                    continue;
                }

                throw new RetrievalIndexFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"The store holds an incomplete frame sequence for '{hit.Source}': frame {(missing >= 0 ? missing : 0)} of {count} is missing or from another add. Add the video again (or remove it)."));
            }

            var frames = new List<FrameEmbedding>(count);
            foreach (var record in records)
            {
                frames.Add(new FrameEmbedding(TimeSpan.FromSeconds(Seconds(record!.Metadata!.Value, "start")), record.Embedding));
            }

            var duration = TimeSpan.FromSeconds(Seconds(head.Metadata!.Value, "duration"));
            return new VideoEmbedding(hit.Source, duration, new Embedding<float>(frames[0].Vector), frames, []);
        }

        return null;
    }

    /// <summary>Answers the query's text embedding from memory; everything else goes to the real encoder.</summary>
    private sealed class FixedTextEncoder(IVideoEncoder inner, Embedding<float> text) : DelegatingVideoEncoder(inner)
    {
        public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Embedding<float>>>([.. texts.Select(_ => text)]);

        protected override void Dispose(bool disposing)
        {
            // The inner encoder is the index's caller's: never disposed here.
        }
    }
}
