namespace Multimodal.Sdk;

/// <summary>
/// The audio part of <c>preprocessor_config.json</c> (WhisperFeatureExtractor). Chunk length, frames and mel
/// count come from the file: tiny and large-v3 models differ, and nothing assumes 30 s or 80 mels.
/// </summary>
internal sealed record AudioFeatureConfig
{
    public int FeatureSize { get; init; } = 80;

    public int SamplingRate { get; init; } = 16000;

    public int HopLength { get; init; } = 160;

    public int ChunkLength { get; init; } = 30;

    public int NFft { get; init; } = 400;

    public int NSamples { get; init; } = 480000;

    public int NbMaxFrames { get; init; } = 3000;

    public float PaddingValue { get; init; }

    public static AudioFeatureConfig From(JsonConfig json)
    {
        int sr = json.TryGetInt32("sampling_rate") ?? 16000;
        int hop = json.TryGetInt32("hop_length") ?? 160;
        int chunk = json.TryGetInt32("chunk_length") ?? 30;
        int nSamples = json.TryGetInt32("n_samples") ?? chunk * sr;
        var cfg = new AudioFeatureConfig
        {
            FeatureSize = json.TryGetInt32("feature_size") ?? 80,
            SamplingRate = sr,
            HopLength = hop,
            ChunkLength = chunk,
            NFft = json.TryGetInt32("n_fft") ?? 400,
            NSamples = nSamples,
            NbMaxFrames = json.TryGetInt32("nb_max_frames") ?? nSamples / hop,
            PaddingValue = (float)(json.TryGetDouble("padding_value") ?? 0.0),
        };

        if (cfg.FeatureSize <= 0 || cfg.SamplingRate <= 0 || cfg.HopLength <= 0 || cfg.NFft <= 0 || cfg.NSamples <= 0)
        {
            throw new ModelIncompatibleException(json.FolderPath, json.FileName, $"'{json.FileName}' in model folder '{json.FolderPath}': feature_size, sampling_rate, hop_length, n_fft and n_samples must be positive.");
        }

        if (cfg.NSamples / cfg.HopLength != cfg.NbMaxFrames)
        {
            throw new ModelIncompatibleException(json.FolderPath, json.FileName, $"'{json.FileName}' in model folder '{json.FolderPath}': n_samples / hop_length = {cfg.NSamples / cfg.HopLength} but nb_max_frames = {cfg.NbMaxFrames}; they must agree.");
        }

        return cfg;
    }
}
