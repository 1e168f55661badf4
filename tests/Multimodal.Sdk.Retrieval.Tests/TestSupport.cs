using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.Retrieval.Tests;

internal static class TestPaths
{
    public static string Root { get; } = typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>A fresh folder under the temp directory, deleted when disposed.</summary>
    public static TempFolder NewFolder() => new(Path.Combine(Path.GetTempPath(), "mm-retrieval-tests", Guid.NewGuid().ToString("N")));
}

internal sealed class TempFolder(string path) : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(path).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// A hand-written CLIP stand-in: an item's embedding is a unit vector derived from SHA-256 of its text or image bytes,
/// so equal content embeds equally and distinct content lands far apart. Counts what it is asked to embed.
/// </summary>
internal sealed class CountingEncoder(int dimension = 16) : IClipEncoder
{
    private int _items;
    private int _calls;

    public int ItemsEmbedded => _items;

    public int Calls => _calls;

    public static float[] Vector(ReadOnlySpan<byte> content, int dimension = 16)
    {
        var v = new float[dimension];
        var hash = SHA256.HashData(content);
        for (int i = 0; i < dimension; i++)
        {
            v[i] = (hash[i % hash.Length] - 127.5f) / 128f + (i / (float)dimension * 0.01f);
        }

        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _items, images.Count);
        return Task.FromResult<IReadOnlyList<Embedding<float>>>(images.Select(i =>
        {
            var bytes = i.FilePath is { } p ? File.ReadAllBytes(p) : i.EncodedBytes.ToArray();
            return new Embedding<float>(Vector(bytes, dimension));
        }).ToList());
    }

    public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _items, texts.Count);
        return Task.FromResult<IReadOnlyList<Embedding<float>>>(texts.Select(t => new Embedding<float>(Vector(Encoding.UTF8.GetBytes(t), dimension))).ToList());
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>A speech recognizer stand-in whose transcript is "audio of N samples".</summary>
internal sealed class FakeRecognizer : ISpeechRecognizer
{
    public int Calls { get; private set; }

    public static string TranscriptOf(AudioData audio) => $"audio of {audio.Samples.Length} samples";

    public Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(new SpeechRecognitionResult(TranscriptOf(audio), "en", 1f, []));
    }

    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        TranscribeAsync(AudioFile.Read(audio, 16000, cancellationToken: cancellationToken), options, cancellationToken);

    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

internal static class Vectors
{
    /// <summary>Clustered unit vectors (CLIP-like: a few hundred topics with spread), deterministic per seed.</summary>
    public static float[][] Clustered(int count, int dim, int seed, int clusters = 64)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, clusters).Select(_ => Gaussian(random, dim, 1f)).ToArray();
        return [.. Enumerable.Range(0, count).Select(_ => Normalize(Add(centres[random.Next(clusters)], Gaussian(random, dim, 0.6f))))];
    }

    public static float[] Gaussian(Random random, int dim, float sigma)
    {
        var v = new float[dim];
        for (int i = 0; i < dim; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            v[i] = sigma * (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return v;
    }

    public static float[] Add(float[] a, float[] b) => [.. a.Zip(b, (x, y) => x + y)];

    public static float[] Normalize(float[] v)
    {
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    public static RetrievalRecord Record(string id, float[] v, RetrievalModality modality = RetrievalModality.Image, string? metadataJson = null)
        => new(id, modality, $"source-{id}", RetrievalContentHash.ForText(id), v, metadataJson is null ? null : System.Text.Json.JsonDocument.Parse(metadataJson).RootElement);

    /// <summary>Brute-force top-k ids by dot product (ties by insertion order).</summary>
    public static List<string> BruteForce(IReadOnlyList<(string Id, float[] V)> items, float[] query, int k)
        => [.. items.Select((x, i) => (x.Id, i, S: x.V.Zip(query, (a, b) => a * b).Sum())).OrderByDescending(x => x.S).ThenBy(x => x.i).Take(k).Select(x => x.Id)];
}
