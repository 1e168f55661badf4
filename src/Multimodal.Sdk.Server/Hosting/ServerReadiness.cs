namespace Multimodal.Sdk;

/// <summary>
/// Whether the server's pipelines are loaded and warmed: until then model endpoints answer 503 with
/// <c>Retry-After</c>, and <c>/readyz</c> says why, so a load balancer sends no traffic to a cold instance.
/// </summary>
/// <remarks>Safe for concurrent use.</remarks>
internal sealed class ServerReadiness
{
    private volatile string? _notReadyReason = "The server is warming up its models.";

    public bool IsReady => _notReadyReason is null;

    public string? NotReadyReason => _notReadyReason;

    public void MarkReady() => _notReadyReason = null;

    public void MarkFailed(string reason) => _notReadyReason = reason;
}
