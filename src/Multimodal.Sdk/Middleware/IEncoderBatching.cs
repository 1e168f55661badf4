namespace Multimodal.Sdk;

/// <summary>
/// Implemented by generative pipelines whose encoder step (a VQA image's vision encoder, a Whisper window's audio
/// encoder) can run for several concurrent requests in one batch while each request decodes on its own:
/// <c>UseBatching()</c> finds it through <c>GetService</c> and turns the batching on.
/// </summary>
/// <remarks>Safe for concurrent use; turning batching on twice keeps the first settings.</remarks>
internal interface IEncoderBatching
{
    /// <summary>Gathers the encoder runs of concurrent calls into batches from now on.</summary>
    /// <param name="options">Batch size, wait, queue length and concurrent batches.</param>
    /// <param name="modelId">The model's name for the batching metrics, or <see langword="null"/>.</param>
    void EnableEncoderBatching(BatchingOptions options, string? modelId);
}
