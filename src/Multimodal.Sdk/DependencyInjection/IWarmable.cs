namespace Multimodal.Sdk;

/// <summary>A pipeline that can load its sessions and run one dummy inference ahead of the first request.</summary>
internal interface IWarmable
{
    Task WarmUpAsync(CancellationToken cancellationToken);
}
