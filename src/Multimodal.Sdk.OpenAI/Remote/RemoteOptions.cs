using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>The SDK's generation options as a remote chat request's: the ones an OpenAI-compatible endpoint understands.</summary>
internal static class RemoteOptions
{
    public static ChatOptions Chat(GenerationOptions? options) => new()
    {
        MaxOutputTokens = options?.MaxNewTokens,
        Temperature = options?.DoSample == false ? 0 : options?.Temperature,
        TopP = options?.TopP,
        TopK = options?.TopK,
        Seed = options?.Seed,
    };
}
