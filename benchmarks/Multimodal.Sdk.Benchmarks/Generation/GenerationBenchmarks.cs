using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk.Benchmarks.Generation;

/// <summary>
/// 32 new tokens from the tiny merged decoder of tools/reference/make_test_decoders.py at vocabulary 64 and 4096:
/// the managed allocation per call must not grow with the vocabulary (logits land in a pooled buffer, processors
/// and samplers work in place). The baseline is a hand-written ONNX Runtime loop with no engine around it.
/// </summary>
[MemoryDiagnoser]
public class GenerationBenchmarks
{
    private const int NewTokens = 32;
    private OnnxDecoder _decoder = null!;
    private OrtValue _encoder = null!;
    private GenerationRequest _request = null!;
    private GenerationSettings _greedy = null!;
    private GenerationSettings _sampling = null!;
    private GenerationSettings _beams = null!;
    private ModelSession? _rawSession;

    [Params(64, 4096)]
    public int Vocab { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var folder = ModelFolder.Open(FixtureFolder($"vocab{Vocab}"));
        _decoder = OnnxDecoder.Open(OnnxSessionFactory.Default, folder);
        var rng = new Random(5);
        var enc = new float[3 * 6];
        for (int i = 0; i < enc.Length; i++)
        {
            enc[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        _encoder = OrtValue.CreateTensorValueFromMemory(enc, [1, 3, 6]);
        _request = GenerationRequest.ForPrompt([0], _encoder);

        // No eos, so every call generates exactly NewTokens tokens whatever the weights prefer.
        _greedy = new GenerationSettings { MaxNewTokens = NewTokens, EosTokenIds = [] };
        _sampling = _greedy with { DoSample = true, Temperature = 0.8f, TopK = 50, TopP = 0.9f, Seed = 1 };
        _beams = _greedy with { NumBeams = 4 };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _decoder.Dispose();
        _encoder.Dispose();
        _rawSession?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int RawOrtGreedyLoop()
    {
        // The least a caller could do: feed the merged graph by hand, argmax the logits span, carry the presents.
        var session = FirstSession();
        var inputs = session.InputNames;
        var outputs = session.OutputNames.ToArray();
        var past = new Dictionary<string, OrtValue>();
        foreach (var name in inputs.Where(n => n.StartsWith("past_key_values.", StringComparison.Ordinal)))
        {
            past[name] = session.CreateEmptyCache(name, 1);
        }

        long token = 0;
        int sum = 0;
        for (int step = 0; step < NewTokens; step++)
        {
            using var ids = OrtValue.CreateTensorValueFromMemory(new[] { token }, [1, 1]);
            using var branch = OrtValue.CreateTensorValueFromMemory(new[] { step > 0 }, [1]);
            var values = inputs.Select(n => n switch
            {
                "input_ids" => ids,
                "encoder_hidden_states" => _encoder,
                "use_cache_branch" => branch,
                _ => past[n],
            }).ToArray();
            var results = session.Run(inputs, values, outputs);
            var logits = results[0].GetTensorDataAsSpan<float>();
            token = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
            sum += (int)token;
            results[0].Dispose();
            for (int i = 1; i < outputs.Length; i++)
            {
                string pastName = "past_key_values." + outputs[i]["present.".Length..];
                past[pastName].Dispose();
                past[pastName] = results[i];
            }
        }

        foreach (var v in past.Values)
        {
            v.Dispose();
        }

        return sum;
    }

    [Benchmark]
    public int EngineGreedy() => GenerationEngine.Generate(_decoder, _request, _greedy).First.Tokens.Length;

    [Benchmark]
    public int EngineSamplingTopKTopP() => GenerationEngine.Generate(_decoder, _request, _sampling).First.Tokens.Length;

    [Benchmark]
    public int EngineBeamSearch4() => GenerationEngine.Generate(_decoder, _request, _beams).First.Tokens.Length;

    private static string FixtureFolder(string name)
    {
        // The graphs are committed beside this file; BenchmarkDotNet runs from a generated folder, so look upwards.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "benchmarks", "Multimodal.Sdk.Benchmarks", "Generation", "fixtures", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Benchmark decoder '{name}' not found above {AppContext.BaseDirectory}.");
    }

    private ModelSession FirstSession()
    {
        var folder = ModelFolder.Open(FixtureFolder($"vocab{Vocab}"));
        return _rawSession ??= OnnxSessionFactory.Default.Create(folder, "decoder_model_merged");
    }
}
