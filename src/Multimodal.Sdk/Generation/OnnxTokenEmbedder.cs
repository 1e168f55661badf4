using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>Token embeddings from an <c>embed_tokens.onnx</c> graph (<c>input_ids</c> -> <c>inputs_embeds</c>).</summary>
/// <remarks>Safe for concurrent use.</remarks>
internal sealed class OnnxTokenEmbedder : ITokenEmbedder
{
    private readonly ModelSession _session;
    private readonly bool _ownsSession;
    private readonly string[] _outputs;

    /// <exception cref="ModelIncompatibleException">The graph lacks <c>input_ids</c> or an output.</exception>
    public OnnxTokenEmbedder(ModelSession session, bool ownsSession = true)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Require(["input_ids"], []);
        _session = session;
        _ownsSession = ownsSession;
        _outputs = [session.HasOutput("inputs_embeds") ? "inputs_embeds" : session.OutputNames[0]];
    }

    public OrtValue Embed(ReadOnlySpan<long> tokenIds, int rows, int length)
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(tokenIds.ToArray(), [rows, length]);
        var results = _session.Run(["input_ids"], [ids], _outputs);
        return results[0];
    }

    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }
}
