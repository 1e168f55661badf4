// docs/bench/retrieval.md: the embedded store at 1M x 512 (or --n), every ratio from this one run.
// usage: dotnet run -c Release --project tools/bench/retrieval-bench -- [--n 1000000] [--dim 512] [--hnsw-n 200000] [--dir /tmp/retrieval-bench]
using System.Diagnostics;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Text.Json;
using Multimodal.Sdk;

var arguments = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal)).ToDictionary(p => p.a[2..], p => args[p.i + 1]);
int n = int.Parse(arguments.GetValueOrDefault("n", "1000000"), CultureInfo.InvariantCulture);
int dim = int.Parse(arguments.GetValueOrDefault("dim", "512"), CultureInfo.InvariantCulture);
int hnswN = int.Parse(arguments.GetValueOrDefault("hnsw-n", "200000"), CultureInfo.InvariantCulture);
int ef = int.Parse(arguments.GetValueOrDefault("ef", "128"), CultureInfo.InvariantCulture);
string root = arguments.GetValueOrDefault("dir", Path.Combine(Path.GetTempPath(), "retrieval-bench"));
const int Queries = 32;
const int Chunk = 10_000;
var culture = CultureInfo.InvariantCulture;
Directory.CreateDirectory(root);
Console.WriteLine($"# {n} x {dim} float32, clustered (1000 centres); HNSW at {hnswN}; {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");

// The data: 1000 Gaussian centres, each vector a centre plus noise, normalized (CLIP-like clumps). Generated chunk by
// chunk from fixed seeds, so every index below and numpy read the same vectors.
var centres = Enumerable.Range(0, 1000).Select(c => Gaussian(new Random(c), dim, 1f)).ToArray();
float[] ChunkVectors(int chunk)
{
    var random = new Random(1_000_000 + chunk);
    var data = new float[Chunk * dim];
    for (int i = 0; i < Chunk; i++)
    {
        var v = data.AsSpan(i * dim, dim);
        var centre = centres[random.Next(centres.Length)];
        var noise = Gaussian(random, dim, 0.6f);
        TensorPrimitives.Add(centre, noise, v);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
    }

    return data;
}

var queryRandom = new Random(42);
var queries = Enumerable.Range(0, Queries).Select(_ => Normalize(Add(centres[queryRandom.Next(centres.Length)], Gaussian(queryRandom, dim, 0.6f)))).ToArray();
string queryFile = Path.Combine(root, "queries.f32");
File.WriteAllBytes(queryFile, queries.SelectMany(q => q).SelectMany(BitConverter.GetBytes).ToArray());

async Task<double> BuildAsync(string dir, int rows, EmbeddedRetrievalStoreOptions options)
{
    var manifest = Path.Combine(dir, "manifest.json");
    if (File.Exists(manifest) && JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("rows").GetInt32() == rows)
    {
        return double.NaN;
    }

    // An interrupted build resumes at its last acknowledged chunk (each chunk is one atomic batch).
    var watch = Stopwatch.StartNew();
    using var store = EmbeddedRetrievalStore.Open(dir, options);
    int done = (int)(await store.CountAsync() / Chunk);
    for (int c = done; c < rows / Chunk; c++)
    {
        var data = ChunkVectors(c);
        var records = new RetrievalRecord[Chunk];
        for (int i = 0; i < Chunk; i++)
        {
            string id = (c * Chunk + i).ToString(culture);
            records[i] = new RetrievalRecord(id, RetrievalModality.Image, id, id, data.AsMemory(i * dim, dim));
        }

        await store.UpsertAsync(records);
    }

    await store.FlushAsync();
    return watch.Elapsed.TotalSeconds;
}

string f32Dir = Path.Combine(root, "f32"), i8Dir = Path.Combine(root, "i8"), hnswDir = Path.Combine(root, $"hnsw-{hnswN}");
double f32Build = await BuildAsync(f32Dir, n, new EmbeddedRetrievalStoreOptions { SearchAlgorithm = RetrievalSearchAlgorithm.Exact, CheckpointBytes = 256L << 20 });
double i8Build = await BuildAsync(i8Dir, hnswN, new EmbeddedRetrievalStoreOptions { Encoding = RetrievalVectorEncoding.Int8, SearchAlgorithm = RetrievalSearchAlgorithm.Exact, CheckpointBytes = 256L << 20 });
double hnswBuild = await BuildAsync(hnswDir, hnswN, new EmbeddedRetrievalStoreOptions { SearchAlgorithm = RetrievalSearchAlgorithm.Hnsw, CheckpointBytes = 256L << 20 });
if (Directory.GetFiles(hnswDir, "hnsw-*.usearch").Length == 0)
{
    // The rows are there but the graph is not (an interrupted run): build it now, timed on its own.
    var graphWatch = Stopwatch.StartNew();
    using (var store = EmbeddedRetrievalStore.Open(hnswDir, new EmbeddedRetrievalStoreOptions { SearchAlgorithm = RetrievalSearchAlgorithm.Hnsw }))
    {
        await store.FlushAsync();
    }

    Console.WriteLine($"HNSW graph build at {hnswN}: {graphWatch.Elapsed.TotalSeconds:F1} s");
}

Console.WriteLine($"build s: float32 {f32Build:F1}, int8 {i8Build:F1}, hnsw {hnswBuild:F1} (NaN = reused from an earlier run)");

// Open time at n: manifest, mmaps, tombstones; then the first query (its pages come from the page cache).
var openWatch = Stopwatch.StartNew();
var exact = EmbeddedRetrievalStore.Open(f32Dir, new EmbeddedRetrievalStoreOptions { ReadOnly = true, SearchAlgorithm = RetrievalSearchAlgorithm.Exact });
double openMs = openWatch.Elapsed.TotalMilliseconds;
long count = await exact.CountAsync();
openWatch.Restart();
using (var writer = EmbeddedRetrievalStore.Open(Path.Combine(root, "f32"), new EmbeddedRetrievalStoreOptions { SearchAlgorithm = RetrievalSearchAlgorithm.Exact }))
{
}

double writerOpenMs = openWatch.Elapsed.TotalMilliseconds;
Console.WriteLine($"open: read-only {openMs:F1} ms, writer open+close {writerOpenMs:F1} ms ({count} records)");

// Memory bandwidth: a plain sequential read (sum) of the same mapped vectors, single thread, best of 3.
double bandwidth = 0;
using (var file = MemoryMappedFile.CreateFromFile(Path.Combine(f32Dir, "vectors.f32"), FileMode.Open, null, 0, MemoryMappedFileAccess.Read))
using (var view = file.CreateViewAccessor(0, (long)n * dim * 4, MemoryMappedFileAccess.Read))
{
    unsafe
    {
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        float* f = (float*)(p + view.PointerOffset);
        float sink = 0;
        for (int rep = 0; rep < 3; rep++)
        {
            var w = Stopwatch.StartNew();
            for (long start = 0; start < (long)n * dim; start += 1 << 24)
            {
                sink += TensorPrimitives.Sum(new ReadOnlySpan<float>(f + start, (int)Math.Min(1 << 24, (long)n * dim - start)));
            }

            bandwidth = Math.Max(bandwidth, (double)n * dim * 4 / w.Elapsed.TotalSeconds);
        }

        view.SafeMemoryMappedViewHandle.ReleasePointer();
        Console.WriteLine($"sequential read: {bandwidth / 1e9:F2} GB/s (checksum {sink:F1})");
    }
}

async Task<(double Qps, IReadOnlyList<IReadOnlyList<RetrievalHit>> Hits)> Batch1Async(EmbeddedRetrievalStore store, int reps)
{
    var hits = new IReadOnlyList<RetrievalHit>[Queries];
    await store.SearchAsync(queries[0]);
    var w = Stopwatch.StartNew();
    for (int q = 0; q < reps; q++)
    {
        hits[q] = await store.SearchAsync(queries[q]);
    }

    double qps = reps / w.Elapsed.TotalSeconds;
    for (int q = reps; q < Queries; q++)
    {
        hits[q] = await store.SearchAsync(queries[q]);
    }

    return (qps, hits);
}

var (exactQps1, truth) = await Batch1Async(exact, 10);
var batchWatch = Stopwatch.StartNew();
var batch = await exact.SearchAsync([.. queries.Select(q => (ReadOnlyMemory<float>)q)]);
double exactQps32 = Queries / batchWatch.Elapsed.TotalSeconds;
double share = exactQps1 * n * dim * 4 / bandwidth;
Console.WriteLine($"exact float32 top-10: batch 1 {exactQps1:F2} QPS = {exactQps1 * n * dim * 4 / 1e9:F2} GB/s = {share:P0} of the sequential read; batch 32 {exactQps32:F2} QPS ({exactQps32 / exactQps1:F1}x batch 1)");
Console.WriteLine($"batch 32 = batch 1 results: {batch.Zip(truth).All(p => p.First.Select(h => h.Record.Id).SequenceEqual(p.Second.Select(h => h.Record.Id)))}");

static double Recall(IReadOnlyList<IReadOnlyList<RetrievalHit>> truth, IReadOnlyList<IReadOnlyList<RetrievalHit>> hits)
    => truth.Zip(hits).Average(p => p.Second.Select(h => h.Record.Id).Intersect(p.First.Select(h => h.Record.Id)).Count() / (double)p.First.Count);

// int8 at the HNSW subset's size (the same first rows), against exact float32 on those rows.
using (var int8 = EmbeddedRetrievalStore.Open(i8Dir, new EmbeddedRetrievalStoreOptions { ReadOnly = true, SearchAlgorithm = RetrievalSearchAlgorithm.Exact }))
using (var subsetExact = EmbeddedRetrievalStore.Open(hnswDir, new EmbeddedRetrievalStoreOptions { ReadOnly = true, SearchAlgorithm = RetrievalSearchAlgorithm.Exact }))
{
    var (eq, subsetTruth) = await Batch1Async(subsetExact, 10);
    var (qps, hits) = await Batch1Async(int8, 10);
    Console.WriteLine($"int8 + rescoring top-10 at {hnswN}: batch 1 {qps:F2} QPS ({qps / eq:F2}x float32's {eq:F2}), recall@10 {Recall(subsetTruth, hits):F4}");
}

using (var hnsw = EmbeddedRetrievalStore.Open(hnswDir, new EmbeddedRetrievalStoreOptions { ReadOnly = true, SearchAlgorithm = RetrievalSearchAlgorithm.Hnsw, HnswExpansionSearch = ef }))
using (var subsetExact = EmbeddedRetrievalStore.Open(hnswDir, new EmbeddedRetrievalStoreOptions { ReadOnly = true, SearchAlgorithm = RetrievalSearchAlgorithm.Exact }))
{
    var (eq, subsetTruth) = await Batch1Async(subsetExact, 10);
    var (hq, _) = await Batch1Async(hnsw, Queries);
    var (_, hits) = await Batch1Async(hnsw, 1);
    string graph = Directory.GetFiles(hnswDir, "hnsw-*.usearch").Single();
    Console.WriteLine($"HNSW at {hnswN} (USearch M=16, ef_add=128, ef_search={ef}): {hq:F1} QPS = {hq / eq:F1}x exact's {eq:F2} QPS on the same rows, recall@10 {Recall(subsetTruth, hits):F4}; graph {new FileInfo(graph).Length / (double)hnswN:F0} B/vector");
}

// The seed's way on the same vectors (numpy; sklearn is absent here).
var psi = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "retrieval_numpy.py"), Path.Combine(f32Dir, "vectors.f32"), n.ToString(culture), dim.ToString(culture), queryFile, Queries.ToString(culture)]) { RedirectStandardOutput = true };
using (var python = Process.Start(psi)!)
{
    string output = await python.StandardOutput.ReadToEndAsync();
    await python.WaitForExitAsync();
    var result = JsonDocument.Parse(output).RootElement;
    double s1 = result.GetProperty("seed_qps_batch1").GetDouble(), s32 = result.GetProperty("seed_qps_batch32").GetDouble();
    double p1 = result.GetProperty("prepared_qps_batch1").GetDouble(), p32 = result.GetProperty("prepared_qps_batch32").GetDouble();
    var numpyTop = result.GetProperty("top10").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetInt32().ToString(culture)).ToList()).ToList();
    double agree = truth.Zip(numpyTop).Average(p => p.First.Select(h => h.Record.Id).Intersect(p.Second).Count() / 10.0);
    Console.WriteLine($"numpy {result.GetProperty("numpy").GetString()} seed way (normalize + matmul + argsort): batch 1 {s1:F3} QPS, batch 32 {s32:F2} QPS -> SDK exact is {exactQps1 / s1:F1}x / {exactQps32 / s32:F1}x");
    Console.WriteLine($"numpy prepared (normalized once + argpartition): batch 1 {p1:F2} QPS, batch 32 {p32:F2} QPS -> SDK exact is {exactQps1 / p1:F2}x / {exactQps32 / p32:F2}x; top-10 agreement with the SDK {agree:P1}");
}

long Size(string dir, string name) => File.Exists(Path.Combine(dir, name)) ? new FileInfo(Path.Combine(dir, name)).Length : 0;
double perRecord = (Size(f32Dir, "records.bin") + Size(f32Dir, "records.idx") + Size(f32Dir, "modalities.u8")) / (double)n;
Console.WriteLine($"memory per vector: float32 scan {dim * 4} B; int8 scan {dim + 4} B (+ {dim * 4} B float32 on disk, read for ~80 candidates a query); record fields {perRecord:F0} B on disk, read for hits only");
Console.WriteLine($"load average at end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
exact.Dispose();

static float[] Gaussian(Random random, int dim, float sigma)
{
    var v = new float[dim];
    for (int i = 0; i < dim; i++)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        v[i] = sigma * (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    return v;
}

static float[] Add(float[] a, float[] b) => [.. a.Zip(b, (x, y) => x + y)];

static float[] Normalize(float[] v)
{
    float norm = TensorPrimitives.Norm(v);
    return [.. v.Select(x => x / norm)];
}
